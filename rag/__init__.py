"""The answer path shared by the UI, the CLI and eval. Never imports gradio."""
