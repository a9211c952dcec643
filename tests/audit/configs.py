"""Configs written by hand for the rule tests (not by the lab renderer): one compliant base per vendor,
in a dialect slightly different from the lab's (V600-style header, several VTY blocks, IOS vty 5 15)."""

VRP = """\
!Software Version V200R019C10SPC500
#
 sysname T-VRP
#
 info-center loghost 10.1.1.10
#
 ntp-service authentication enable
 ntp-service unicast-server 10.1.1.11
#
acl number 2001
 rule 5 permit source 10.9.0.0 0.0.255.255
#
aaa
 local-user netadm password irreversible-cipher $1c$Abc9Xy$
 local-user netadm privilege level 15
 local-user auditor password irreversible-cipher $1c$Def8Zw$
 local-user auditor privilege level 1
 local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 30
 local-aaa-user password policy administrator
  password expire 90
 cmd recording-scheme REC
#
interface GigabitEthernet0/0/1
 description to-core
 ip address 10.2.0.1 255.255.255.252
#
interface GigabitEthernet0/0/2
 shutdown
#
snmp-agent
snmp-agent sys-info version v3
snmp-agent group v3 nms privacy acl 2001
snmp-agent target-host trap address udp-domain 10.1.1.12 params securityname nms v3 privacy
#
 undo telnet server enable
 stelnet server enable
 ssh user netadm authentication-type password-rsa
#
user-interface con 0
 authentication-mode aaa
 idle-timeout 5 0
user-interface vty 0 4
 acl 2001 inbound
 authentication-mode aaa
 protocol inbound ssh
 idle-timeout 10 0
user-interface vty 16 20
 acl 2001 inbound
 authentication-mode aaa
 protocol inbound ssh
#
return
"""

COMWARE = """\
#
 version 7.1.070, Release 3507P10
#
 sysname T-H3C
#
 password-control enable
 password-control length 10
 password-control composition type-number 3 type-length 1
 password-control aging 60
 password-control login-attempt 3 exceed lock-time 30
#
 info-center loghost 10.1.1.10
 ntp-service enable
 ntp-service unicast-server 10.1.1.11
#
acl basic 2001
 rule 5 permit source 10.9.0.0 0.0.255.255
#
interface GigabitEthernet1/0/1
 port link-mode route
 description to-core
 ip address 10.2.0.1 255.255.255.252
#
 snmp-agent
 snmp-agent sys-info version v3
 snmp-agent group v3 nms privacy acl 2001
#
 ssh server enable
#
line vty 0 63
 authentication-mode scheme
 user-role network-admin
 protocol inbound ssh
 acl 2001 inbound
#
local-user netadm class manage
 password hash $h$6$aBcDeF$gHiJkLmN==
 service-type ssh
 authorization-attribute user-role network-admin
#
local-user auditor class manage
 password hash $h$6$oPqRsT$uVwXyZ==
 service-type ssh
 authorization-attribute user-role security-audit
#
return
"""

IOS = """\
Building configuration...

Current configuration : 1234 bytes
!
version 15.2
service timestamps log datetime msec localtime show-timezone
service password-encryption
!
hostname T-IOS
!
enable secret 9 $9$abcdefghijklmn$OPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123
!
aaa new-model
aaa authentication login default local
aaa local authentication attempts max-fail 5
aaa accounting commands 15 default start-stop group tacacs+
!
username netadm privilege 15 secret 9 $9$zyxwvutsrqponm$LKJIHGFEDCBAzyxwvutsrqponmlkjihgfedcba9876
username auditor privilege 1 secret 9 $9$qqqqqqqqqqqqqq$RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR
!
ip ssh version 2
login block-for 600 attempts 3 within 60
security passwords min-length 10
!
interface GigabitEthernet0/1
 description uplink
 ip address 10.2.0.1 255.255.255.252
!
ip access-list standard VTY
 permit 10.9.0.0 0.0.255.255
!
logging host 10.1.1.10
snmp-server group NMS v3 priv access VTY
snmp-server host 10.1.1.12 version 3 priv nms
ntp authenticate
ntp server 10.1.1.11 key 1
!
line con 0
 exec-timeout 5 0
line vty 0 4
 access-class VTY in
 exec-timeout 10 0
 login local
 transport input ssh
line vty 5 15
 access-class VTY in
 login local
 transport input ssh
!
end
"""

# Ruijie RGOS 10.x style: old `logging <ip>` form, two VTY blocks, `login local`, an auditor account.
RGOS = """\
Building configuration...
Current configuration : 2048 bytes

!
version 10.4(3b19)p2
!
hostname T-RGOS
!
service password-encryption
!
enable secret 5 $1$Ab9x$Q1w2e3r4t5y6u7i8o9p0a.
!
username netadm password 7 0F1C2B3A4D5E6F70
username netadm privilege 15
username auditor password 7 1A2B3C4D5E6F7081
username auditor privilege 1
!
password policy strong
password policy min-size 10
password policy life-cycle 60
!
aaa new-model
aaa authentication login default local
aaa local authentication attempts 3
aaa local authentication lockout-time 2
!
ip access-list standard 10
 10 permit 10.9.0.0 0.0.255.255
!
interface GigabitEthernet 0/1
 description to-core
 no switchport
 ip address 10.2.0.1 255.255.255.252
!
interface GigabitEthernet 0/2
 shutdown
!
snmp-server group nms v3 priv read default access 10
snmp-server user nms nms v3 auth sha 0A1B2C3D4E5F6071 priv aes128 8192A3B4C5D6E7F8
snmp-server host 10.1.1.12 traps version 3 priv nms
!
logging 10.1.1.10
service timestamps log datetime year
!
ntp authenticate
ntp server 10.1.1.11
!
no enable service telnet-server
enable service ssh-server
ip ssh version 2
!
line con 0
 exec-timeout 5 0
line vty 0 4
 access-class 10 in
 login local
 transport input ssh
 exec-timeout 10 0
line vty 5 15
 access-class 10 in
 login local
 transport input ssh
!
end
"""

# ZTE ZXROS (M6000-S style sections); the SSH line written as `line ssh`, an ACL by number.
ZXROS = """\
Building configuration...
!version V5.00.10.60
!<system-config>
hostname T-ZXROS
!</system-config>
!<user>
username netadm password encrypted QmFzZTY0U2VjcmV0VmFsdWU= privilege 15
username auditor password encrypted QXVkaXRvclNlY3JldDEyMw== privilege 1
!</user>
!<if-intf>
interface gei-0/1/0/1
  description to-core
  ip address 10.2.0.1 255.255.255.252
$
interface gei-0/1/0/2
  shutdown
$
!</if-intf>
!<acl>
ipv4-access-list 2001
  rule 5 permit 10.9.0.0 0.0.255.255
$
!</acl>
!<snmp>
snmp-server version v3 enable
snmp-server group nms v3 priv read AllView access 2001
snmp-server host 10.1.1.12 trap version 3 priv nms
!</snmp>
!<logging>
logging on
syslog-server host 10.1.1.10 fport 514 level informational
!</logging>
!<ntp>
ntp enable
ntp server 10.1.1.11
!</ntp>
!<ssh>
ssh server enable
ssh server version 2
!</ssh>
!<telnet>
no telnet server enable
!</telnet>
!<line>
line console idle-timeout 5
line ssh idle-timeout 10
line ssh access-class ipv4 2001
!</line>
end
"""

BASES = {"huawei_vrp": VRP, "hp_comware": COMWARE, "cisco_ios": IOS, "ruijie_os": RGOS, "zte_zxros": ZXROS}
