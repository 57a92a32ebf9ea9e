:PREROUTING,OUTPUT
*nat
-p tcp -j DNAT --to-destination [fd00::5]:9090;=;OK
-j DNAT --to-destination fd00::5;=;OK
-j DNAT --to-destination fd00::1-fd00::9;=;OK
-p tcp -j DNAT --to-destination [fd00::1-fd00::9]:80-90;=;OK
