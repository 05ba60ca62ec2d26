"""SenseCAP (Seeed Studio) devices: the S210x measurement-id frames and the T1000 tracker."""
