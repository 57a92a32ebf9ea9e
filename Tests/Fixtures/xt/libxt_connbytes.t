:INPUT,FORWARD,OUTPUT
-m connbytes --connbytes 1000 --connbytes-mode bytes --connbytes-dir both;=;OK
-m connbytes --connbytes 10:100 --connbytes-mode packets --connbytes-dir original;=;OK
-m connbytes ! --connbytes 10:100 --connbytes-mode avgpkt --connbytes-dir reply;=;OK
