"""The ホーム screen and its dashboard cards."""
