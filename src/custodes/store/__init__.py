"""custodes.store"""
