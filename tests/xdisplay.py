"""A real X server for window tests (Xvfb), screenshots of it, and closing a window the way a
user does (the window manager's close request, WM_DELETE_WINDOW), through Xlib via ctypes."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageChops, ImageGrab


@contextmanager
def xvfb(width: int = 1280, height: int = 800) -> Iterator[str]:
    """Start Xvfb on a free display number; yield ``":N"``. Fails (never skips) without Xvfb."""
    binary = shutil.which("Xvfb")
    assert binary is not None, "Xvfb is missing: apt-get install xvfb (.ci/run does this)"
    number = 90 + os.getpid() % 100
    while Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
        number += 1
    display = f":{number}"
    proc = subprocess.Popen([binary, display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        assert proc.poll() is None, "Xvfb exited"
        assert time.monotonic() < deadline, "Xvfb did not start"
        time.sleep(0.05)
    try:
        yield display
    finally:
        proc.terminate()
        proc.wait(10)


def screenshot(display: str, path: Path) -> Image.Image:
    """Grab the whole screen of ``display`` and save it as PNG at ``path``."""
    image = ImageGrab.grab(xdisplay=display)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return image


def distinct_colours(image: Image.Image) -> int:
    """How many colours the screen shows: an empty X screen has 1, a rendered page hundreds."""
    colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    return len(colours) if colours is not None else 1 << 16


def coloured_pixels(image: Image.Image) -> int:
    """Pixels of a strong colour (not white, grey or black). Fieldbook's page is mostly grey text on
    white; its sidebar marks the current page with a coloured (primary) button, so a few thousand
    of these mean the app itself has rendered, not just a blank page or the page's title."""
    hsv = image.convert("RGB").convert("HSV")
    saturated = hsv.getchannel("S").point(lambda s: 255 if s > 100 else 0)
    bright = hsv.getchannel("V").point(lambda v: 255 if v > 80 else 0)
    return ImageChops.multiply(saturated, bright).histogram()[255]


def wait_for_app(display: str, path: Path, min_pixels: int = 2000, timeout: float = 60) -> Image.Image:
    """Screenshot ``display`` until the app has rendered (see ``coloured_pixels``), or fail
    pointing at the last screenshot."""
    deadline = time.monotonic() + timeout
    while True:
        image = screenshot(display, path)
        if coloured_pixels(image) >= min_pixels:
            return image
        assert time.monotonic() < deadline, f"the app did not render on the screen within {timeout:.0f} s; see {path}"
        time.sleep(0.5)


class _XClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _XClientMessage), ("pad", ctypes.c_long * 24)]


def close_window(display: str, title: str) -> int:
    """Send WM_DELETE_WINDOW to every top-level window whose name contains ``title`` — what a
    window manager does when the user clicks the close button. Returns how many were asked."""
    path = ctypes.util.find_library("X11")
    assert path, "libX11 is missing (apt-get install libx11-6)"
    x = ctypes.CDLL(path)
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
                             ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)), ctypes.POINTER(ctypes.c_uint)]
    x.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.POINTER(_XEvent)]
    x.XFlush.argtypes = [ctypes.c_void_p]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    x.XFree.argtypes = [ctypes.c_void_p]
    dpy = x.XOpenDisplay(display.encode())
    assert dpy, f"cannot open X display {display}"
    try:
        wm_protocols = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
        wm_delete = x.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
        asked = 0
        for window in _tree(x, dpy, x.XDefaultRootWindow(dpy)):
            name = ctypes.c_char_p()
            if not x.XFetchName(dpy, window, ctypes.byref(name)) or not name.value:
                continue
            matches = title.encode() in name.value
            x.XFree(name)
            if matches:
                event = _XEvent()
                event.xclient.type = 33  # ClientMessage
                event.xclient.window = window
                event.xclient.message_type = wm_protocols
                event.xclient.format = 32
                event.xclient.data[0] = wm_delete
                x.XSendEvent(dpy, window, 0, 0, ctypes.byref(event))
                asked += 1
        x.XFlush(dpy)
        return asked
    finally:
        x.XCloseDisplay(dpy)


def _tree(x: ctypes.CDLL, dpy: int, window: int) -> Iterator[int]:
    root, parent = ctypes.c_ulong(), ctypes.c_ulong()
    children = ctypes.POINTER(ctypes.c_ulong)()
    count = ctypes.c_uint()
    if not x.XQueryTree(dpy, window, ctypes.byref(root), ctypes.byref(parent), ctypes.byref(children), ctypes.byref(count)):
        return
    found = [children[i] for i in range(count.value)]
    if children:
        x.XFree(children)
    for child in found:
        yield child
        yield from _tree(x, dpy, child)
