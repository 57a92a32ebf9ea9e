:POSTROUTING
*nat
-j MASQUERADE;=;OK
-p tcp -j MASQUERADE --to-ports 1024-2048 --random-fully;=;OK
