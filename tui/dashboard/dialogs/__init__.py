"""The dashboard's dialogs: each a `ModalScreen[T]` that dismisses with a typed value."""
