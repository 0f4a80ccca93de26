"""Address ranges as Azure Local writes them: `A-B`, a single address `A`, or a CIDR `A/N`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, summarize_address_range


@dataclass(frozen=True, order=True)
class AddressRange:
    """An inclusive range of IPv4 addresses."""

    DESCRIPTION = "an address, a START-END range or a CIDR (10.0.0.5, 10.0.0.5-10.0.0.9, 10.0.0.0/29)"

    start: IPv4Address
    end: IPv4Address

    @classmethod
    def from_text(cls, text: str) -> AddressRange:
        """Parse `10.0.0.5-10.0.0.9`, `10.0.0.5` or `10.0.0.0/29`; ValueError says what is wrong."""
        raw = text.strip()
        try:
            if "/" in raw:
                net = IPv4Network(raw)
                return cls(net.network_address, net.broadcast_address)
            first, sep, last = raw.partition("-")
            start = IPv4Address(first.strip())
            end = IPv4Address(last.strip()) if sep else start
        except ValueError:
            raise ValueError(f"{text!r} is not an address, a START-END range or a CIDR") from None
        if end < start:
            raise ValueError(f"{text!r} ends before it starts")
        return cls(start, end)

    @classmethod
    def of(cls, net: IPv4Network) -> AddressRange:
        return cls(net.network_address, net.broadcast_address)

    @property
    def size(self) -> int:
        return int(self.end) - int(self.start) + 1

    def __contains__(self, address: object) -> bool:
        return isinstance(address, IPv4Address) and self.start <= address <= self.end

    def overlaps(self, other: AddressRange) -> bool:
        return self.start <= other.end and other.start <= self.end

    def within(self, other: AddressRange) -> bool:
        return other.start <= self.start and self.end <= other.end

    def addresses(self) -> Iterator[IPv4Address]:
        for value in range(int(self.start), int(self.end) + 1):
            yield IPv4Address(value)

    def networks(self) -> list[IPv4Network]:
        return list(summarize_address_range(self.start, self.end))

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


def hosts(prefix: IPv4Network) -> AddressRange:
    """The addresses hosts may take in a prefix: all but the network and broadcast addresses."""
    if prefix.num_addresses <= 2:
        return AddressRange.of(prefix)
    return AddressRange(prefix.network_address + 1, prefix.broadcast_address - 1)


def count_outside(space: AddressRange, taken: Iterable[AddressRange]) -> int:
    """How many addresses of `space` none of `taken` covers (the ranges may overlap each other)."""
    clipped = sorted(AddressRange(max(r.start, space.start), min(r.end, space.end)) for r in taken if r.overlaps(space))
    covered, reach = 0, int(space.start) - 1
    for r in clipped:
        low = max(int(r.start), reach + 1)
        if int(r.end) >= low:
            covered += int(r.end) - low + 1
            reach = int(r.end)
    return space.size - covered
