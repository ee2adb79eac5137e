"""``python -m release_tools``."""

from release_tools.cli import main

if __name__ == "__main__":
    main()
