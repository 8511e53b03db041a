"""custodes.resolve"""
