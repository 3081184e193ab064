"""KvK Handelsregister connector (Kamer van Koophandel).

Reads businesses from KvK's Basisprofiel and Vestigingsprofiel APIs and the
registrations at an address from the Zoeken API (v2), with the ``apikey`` header;
ships a fake of the same contract with KvK's public test numbers and the demo world.
"""
