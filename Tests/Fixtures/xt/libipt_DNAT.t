:PREROUTING,OUTPUT
*nat
-p tcp -j DNAT --to-destination 10.42.0.5:9090;=;OK
-j DNAT --to-destination 10.42.0.5;=;OK
-j DNAT --to-destination 10.0.0.1-10.0.0.9;=;OK
-p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.9:8000-8010 --random --persistent;=;OK
-p udp -j DNAT --to-destination :53;=;OK
-p tcp -j DNAT --to-destination 1.1.1.1:1000-2000/3000;=;OK
