"""storeadmin: a keyboard-driven terminal admin for game-server web stores."""

__version__ = "0.1.0"
