"""The modal screens: dialogs that act (``ActionModal``) and read-only views (``DetailModal``), one base."""
