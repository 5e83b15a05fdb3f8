"""The project: survey.yml, the instruments, and where every file of the project is.

``config`` (typed survey.yml, finding the project), ``paths`` (every path, proven inside
the project), ``safe_yaml`` (the YAML loader with line numbers), ``instruments`` (the
questionnaires and codebooks), ``schema`` (JSON Schemas for editors); the project tools
``scaffold`` (``survey init``) and ``draft`` (``survey draft``: an instrument from one export).
"""
