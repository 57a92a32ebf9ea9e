:INPUT,FORWARD,OUTPUT
-p tcp -m tcp --dport 80 --tcp-option 2;=;OK
-p tcp -m tcp ! --sport 1000:2000 ! --tcp-option 8;=;OK
-p tcp -m tcp --tcp-option 4 --tcp-flags FIN,SYN,RST,ACK SYN;=;OK
-p tcp -m tcp --tcp-option 1 ! --tcp-flags ALL NONE;-p tcp -m tcp --tcp-option 1 ! --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE;OK
