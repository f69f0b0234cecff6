"""The checkly-gate benchmark (`make bench`): the real gate against the simulator on 127.0.0.1.

`bench.run` runs every measurement and prints a Markdown table with the targets; the other
modules are the parts: `workloads` (scripted sessions and the 10,000-run report), `measure`
(verdict lag, scale, start-up, render), `poller` (the 5 s baseline), `render_child` (the render
measurement in a fresh process) and `table` (the Markdown and the targets).
"""
