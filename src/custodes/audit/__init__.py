"""custodes.audit"""
