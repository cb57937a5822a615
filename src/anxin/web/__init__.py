"""The UI shell: Jinja2 templates with zh/en catalogs, the layout, per-role navigation, static files."""
