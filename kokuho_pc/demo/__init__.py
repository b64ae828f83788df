"""The demo and its tour, apart from the product: a throw-away profile with a
simulator subprocess and accounts (``environment``), and the scripted drive
through every screen (``tour``, ``tour_steps``). Sits above ``kokuho_pc.ui``;
a production build leaves it out.
"""
