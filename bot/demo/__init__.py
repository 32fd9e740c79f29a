"""``tandem demo``: a whole hire played out offline, through the real app.

The steps of the story are in :mod:`bot.demo.script`; :func:`run_demo` plays them.
"""

from bot.demo.runner import DemoResult, run_demo
from bot.demo.script import STEPS, Step

__all__ = ["STEPS", "DemoResult", "Step", "run_demo"]
