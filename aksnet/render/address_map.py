"""The address map drawn: in the terminal (a strip per VNet prefix and a row per block with its use), and as
an SVG picture for a design review (drawsvg, imported only for `plan --map`)."""

from __future__ import annotations

from collections.abc import Sequence
from string import ascii_letters
from typing import Any

from aksnet.address_map import AddressBlock
from aksnet.netcalc import Network
from aksnet.render.text import DEFAULT_WIDTH, table

BAR = 20  # characters of a usage bar in the terminal
STRIP_MAX = 64  # characters of a VNet strip in the terminal


def usage(block: AddressBlock) -> str:
    """`26 of 251 (10%)`, or what it holds when the plan needs nothing in it."""
    if block.needed is None:
        return f"holds {block.holds:,}"
    share = block.needed / block.holds if block.holds else float("inf")
    percent = "over" if share > 1 else f"{share:.0%}"
    return f"{block.needed:,} of {block.holds:,} ({percent})"


def render_address_map(blocks: Sequence[AddressBlock], width: int = DEFAULT_WIDTH) -> str:
    """Each VNet prefix as a strip with its subnets placed in it, then one row per block."""
    if not blocks:
        return "  nothing to draw until the VNet and subnet are known"
    lines = [*_strips(blocks, width), ""]
    rows = ((str(b.prefix), b.name, _bar(b), f"{usage(b)}{'; ' + b.note if b.note else ''}") for b in blocks)
    lines.append(table(("prefix", "what", "use", "addresses needed of held"), rows, width=width))
    return "\n".join(lines)


def _bar(block: AddressBlock) -> str:
    if block.needed is None:
        return ""
    filled = min(BAR, max(1 if block.needed else 0, round(BAR * block.needed / block.holds))) if block.holds else BAR
    return "[" + ("#" * filled).ljust(BAR, ".") + "]" + ("!" if not block.fits else "")


def _strips(blocks: Sequence[AddressBlock], width: int) -> list[str]:
    subnets = [b for b in blocks if b.in_vnet]
    letters = dict(zip((b.name for b in subnets), ascii_letters, strict=False))
    size = max(min(STRIP_MAX, width - 6), 16)
    lines = []
    for vnet in (b for b in blocks if b.kind == "vnet"):
        inside = [b for b in subnets if inside_of(b, vnet)]
        cells = ["."] * size
        for block in inside:
            start, length = _span(block.prefix, vnet.prefix, size)
            cells[start : start + length] = letters[block.name] * length
        lines += [f"  {vnet.name} {vnet.prefix} ({vnet.holds:,} addresses)", f"    [{''.join(cells)}]"]
        lines += [f"     {letters[b.name]} = {b.name} {b.prefix}" for b in inside]
    outside = [b for b in subnets if not any(inside_of(b, v) for v in blocks if v.kind == "vnet")]
    lines += [f"  {b.name} {b.prefix} is outside the VNet's address space" for b in outside]
    return lines


def inside_of(block: AddressBlock, vnet: AddressBlock) -> bool:
    """Whether `block` lies in the VNet prefix `vnet` (never across IP versions)."""
    return block.prefix.version == vnet.prefix.version and block.prefix.subnet_of(vnet.prefix)  # type: ignore[arg-type]


def _span(inner: Network, outer: Network, size: int) -> tuple[int, int]:
    """Where `inner` sits in a strip of `size` cells that draws `outer` (at least one cell)."""
    offset = int(inner.network_address) - int(outer.network_address)
    start = min(size - 1, offset * size // outer.num_addresses)
    return start, max(1, min(size - start, inner.num_addresses * size // outer.num_addresses))


# --- the picture ------------------------------------------------------------------------------------

SVG_WIDTH = 960
ROW = 34
COLOURS = {
    "vnet": "#e8eef7",
    "subnet": "#4a7fc1",
    "pod_subnet": "#7bb3e0",
    "other_subnet": "#9aa5b1",
    "pods": "#5aa469",
    "services": "#c9a227",
}


def svg_address_map(blocks: Sequence[AddressBlock], title: str) -> str:
    """The map as an SVG document: the VNet strip(s) with their subnets, then a usage bar per block."""
    import drawsvg

    vnets = [b for b in blocks if b.kind == "vnet"]
    height = 70 + 60 * len(vnets) + ROW * len(blocks) + 20
    drawing = drawsvg.Drawing(SVG_WIDTH, height, font_family="Helvetica, Arial, sans-serif")
    drawing.append(drawsvg.Rectangle(0, 0, SVG_WIDTH, height, fill="white"))
    drawing.append(drawsvg.Text(title, 18, 20, 30, font_weight="bold"))
    y = 50
    for vnet in vnets:
        _svg_strip(drawing, vnet, [b for b in blocks if b.in_vnet and inside_of(b, vnet)], y)
        y += 60
    for block in blocks:
        _svg_row(drawing, block, y)
        y += ROW
    return str(drawing.as_svg())


def _svg_strip(drawing: Any, vnet: AddressBlock, subnets: Sequence[AddressBlock], y: int) -> None:
    import drawsvg

    left, span = 20, SVG_WIDTH - 40
    drawing.append(drawsvg.Text(f"{vnet.name} {vnet.prefix} ({vnet.holds:,} addresses)", 13, left, y + 12))
    drawing.append(drawsvg.Rectangle(left, y + 18, span, 24, fill=COLOURS["vnet"], stroke="#6b7a8f"))
    for subnet in subnets:
        offset = int(subnet.prefix.network_address) - int(vnet.prefix.network_address)
        x = left + span * offset / vnet.prefix.num_addresses
        w = max(3.0, span * subnet.prefix.num_addresses / vnet.prefix.num_addresses)
        drawing.append(drawsvg.Rectangle(x, y + 18, w, 24, fill=COLOURS[subnet.kind], stroke="white"))
        drawing.append(drawsvg.Text(f"{subnet.name} {subnet.prefix}", 11, x + 2, y + 55))


def _svg_row(drawing: Any, block: AddressBlock, y: int) -> None:
    import drawsvg

    drawing.append(drawsvg.Text(str(block.prefix), 12, 20, y + 16, font_family="monospace"))
    drawing.append(drawsvg.Text(block.name, 12, 160, y + 16))
    bar_x, bar_w = 380, 300
    drawing.append(drawsvg.Rectangle(bar_x, y + 4, bar_w, 16, fill="#eef0f3", stroke="#c5cbd3"))
    if block.needed is not None and block.holds:
        share = min(1.0, block.needed / block.holds)
        colour = COLOURS[block.kind] if block.fits else "#d9534f"
        drawing.append(drawsvg.Rectangle(bar_x, y + 4, max(1.0, bar_w * share), 16, fill=colour))
    drawing.append(drawsvg.Text(usage(block), 12, bar_x + bar_w + 12, y + 16))
    if block.note:
        drawing.append(drawsvg.Text(block.note, 10, 160, y + 29, fill="#5b6470"))
