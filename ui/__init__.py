"""Presentation helpers for the Gradio app: rendering, feedback store, export. No gradio imports here."""
