"""uRADMonitor (Magnasci SRL) environmental monitoring stations."""
