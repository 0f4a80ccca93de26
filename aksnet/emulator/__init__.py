"""A local, in-process fake of Azure Resource Manager for aksnet's executor, demo and benchmarks.

    from aksnet.emulator import Emulator, Faults
    emu = Emulator.from_env(os.environ)
    clients = Clients(emu.credential(), sub, transport=emu.transport())

Importing this package loads no azure.mgmt code; azure.core is imported only by `transport()`.
"""

from aksnet.emulator.emulator import Emulator
from aksnet.emulator.faults import Faults

__all__ = ["Emulator", "Faults"]
