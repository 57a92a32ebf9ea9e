:PREROUTING,OUTPUT
*nat
-p tcp -j REDIRECT --to-ports 15001;=;OK
-p tcp -j REDIRECT --to-ports 15001-15006 --random;=;OK
-j REDIRECT;=;OK
