:INPUT,FORWARD,OUTPUT
-p tcp -m multiport --dports 80,443;=;OK
-p udp -m multiport --sports 53,5353,1000:2000;=;OK
-p tcp -m multiport ! --ports 22,80:90,8080;=;OK
-p tcp -m multiport --dports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15;=;OK
-p sctp -m multiport --dports 5000:5010;=;OK
