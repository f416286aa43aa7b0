"""Timers by voice in English and Chinese: "set a pasta timer for ten minutes", "how long is left on the
timer", "cancel all timers", "add five minutes to the timer", "定一个十分钟的计时器", "计时器还剩多久".

Several can run at once; each rings on the speaker of the room it was set in (else its setter's room), in
the language it was set in, and is kept in the skill's store with its due time, so a restart re-arms it (one
that ran out meanwhile is announced at once, saying it is late).
"""

from skills.timers.skill import Timers

__all__ = ["Timers"]
