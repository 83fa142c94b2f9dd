"""The call's menu steps, one module per part of the call. Importing this registers them all."""
from . import booking, feedback, identify, menu, staff, visits, waiting  # noqa: F401
