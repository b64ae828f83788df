"""The PC's own encrypted database (SQLCipher) and what lives beside it: the key in the OS
keyring, schema migrations, the machine policy, the profile folder and the injectable clock."""
