"""storeadmin's performance benchmark (issue 5): ``python -m benchmarks.run --help``."""
