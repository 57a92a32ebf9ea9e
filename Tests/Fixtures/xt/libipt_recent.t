:INPUT,FORWARD,OUTPUT
-m recent --set --name KUBE-SEP-ABCDEF --mask 255.255.255.255 --rsource;=;OK
-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-ABCDEF --mask 255.255.255.255 --rsource;=;OK
-m recent --update --seconds 60 --hitcount 4 --rttl --name ssh --mask 255.255.255.0 --rdest;=;OK
-m recent ! --rcheck --name x --mask 255.255.255.255 --rsource;=;OK
-m recent --remove --name DEFAULT --mask 255.255.255.255 --rsource;=;OK
-m recent --set;-m recent --set --name DEFAULT --mask 255.255.255.255 --rsource;OK
