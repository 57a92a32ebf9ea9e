:POSTROUTING,INPUT
*nat
-j SNAT --to-source 1.2.3.4;=;OK
-j SNAT --to-source 1.2.3.4-1.2.3.5 --persistent;=;OK
-p tcp -j SNAT --to-source 1.2.3.4:1000-2000 --random-fully;=;OK
-p udp -j SNAT --to-source 1.2.3.4:53 --random;=;OK
