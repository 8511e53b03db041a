"""custodes.web"""
