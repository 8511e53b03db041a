"""custodes.index"""
