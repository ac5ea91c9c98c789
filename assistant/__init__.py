"""Wethouderswijzer: answers wethouders' questions from the association's documents."""
