:POSTROUTING
*nat
-j MASQUERADE;=;OK
-j MASQUERADE --random-fully;=;OK
-p tcp -j MASQUERADE --to-ports 1024-65535 --random;=;OK
-p udp -j MASQUERADE --to-ports 4000;=;OK
