"""Result kinds: how each kind of result is drawn, described, tabled and put into words."""
