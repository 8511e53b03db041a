"""custodes: who watches the watchers.

An evidence-backed record of AI surveillance deployments: where, by whom, on what terms.
"""

__version__ = "0.1.0"
