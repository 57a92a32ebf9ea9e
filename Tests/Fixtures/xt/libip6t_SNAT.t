:POSTROUTING,INPUT
*nat
-j SNAT --to-source fd00::1;=;OK
-p tcp -j SNAT --to-source [fd00::1-fd00::2]:1000-2000;=;OK
