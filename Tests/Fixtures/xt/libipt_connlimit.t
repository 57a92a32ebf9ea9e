:INPUT,FORWARD,OUTPUT
-p tcp -m connlimit --connlimit-above 10 --connlimit-mask 32 --connlimit-saddr;=;OK
-p tcp -m connlimit --connlimit-upto 5 --connlimit-mask 24 --connlimit-daddr;=;OK
-p tcp -m connlimit --connlimit-above 2;-p tcp -m connlimit --connlimit-above 2 --connlimit-mask 32 --connlimit-saddr;OK
