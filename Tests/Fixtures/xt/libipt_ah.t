:INPUT,FORWARD,OUTPUT
-p ah -m ah --ahspi 5;=;OK
-p ah -m ah ! --ahspi 10:20;=;OK
