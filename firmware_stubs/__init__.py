"""Reference firmware for carehub devices and a household simulator that drives them."""
