"""portal.hook_slot.HookSlot: the one implementation a higher app lends a lower one."""

from portal.hook_slot import HookSlot


def test_hook_slot_gives_the_default_until_something_is_registered():
    slot = HookSlot("test.slot", default="entries only")
    assert slot.get() == "entries only"
    slot.register("ledger")
    assert slot.get() == "ledger"
    assert "registered" in repr(slot)


def test_hook_slot_last_registration_wins_and_unregister_restores_the_default():
    slot = HookSlot("test.slot")
    assert slot.get() is None
    slot.register("first")
    slot.register("second")
    assert slot.get() == "second"
    slot.unregister()
    assert slot.get() is None and "default" in repr(slot)
