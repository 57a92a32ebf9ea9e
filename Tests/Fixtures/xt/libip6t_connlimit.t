:INPUT,FORWARD,OUTPUT
-p tcp -m connlimit --connlimit-above 10 --connlimit-mask 64 --connlimit-saddr;=;OK
-p tcp -m connlimit --connlimit-upto 1 --connlimit-mask 128 --connlimit-daddr;=;OK
