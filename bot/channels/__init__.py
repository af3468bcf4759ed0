"""One module per channel, each behind the small interface of `base.Channel`."""
