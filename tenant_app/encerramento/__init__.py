"""Closing a group (encerramento, Lei 11.795/2008 arts. 30–34; Res. BCB 285/2023 arts. 38–43)."""
