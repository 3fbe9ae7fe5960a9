"""The IEEE-registered Ethernet address prefixes (OUIs) Wireshark 4.0 knows a maker for.

Wireshark's Ethernet pseudowire heuristic asks whether the first two 6-byte words after an
MPLS label stack both start with a registered prefix: then they are taken for the MAC
addresses of an Ethernet frame sent without a control word. The registry here is the 24-bit
prefixes of Wireshark 4.0's ``manuf`` file (Debian's wireshark-common 4.0.17), stored as
the gaps between consecutive prefixes (variable-length integers), compressed, in base 85;
:func:`encode` writes that form from a ``manuf`` file and ``tests/packets/test_pseudowire.py``
checks it against the installed one. Taught in notebooks/02-osi-layers-and-packets.ipynb.

>>> registered(np.array([0x001B21, 0x020000])).tolist()  # Intel; a locally administered one
[True, False]
"""

from __future__ import annotations

import base64
import re
import zlib
from functools import cache
from pathlib import Path

import numpy as np

__all__ = ["registered", "plain_ethernet", "prefixes", "encode", "manuf_prefixes"]

_PREFIX = re.compile(r"([0-9A-Fa-f]{2}):([0-9A-Fa-f]{2}):([0-9A-Fa-f]{2})\t")


def manuf_prefixes(path: str | Path) -> list[int]:
    """The 24-bit prefixes a Wireshark ``manuf`` file names a maker for, in order.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "manuf"
    >>> _ = p.write_text("00:1B:21\\tIntelCor\\n00:55:DA:10:00:00/28\\tKoolPOS\\n")
    >>> [f"{v:06x}" for v in manuf_prefixes(p)]
    ['001b21']
    """
    found = set()
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        match = _PREFIX.match(line)
        if match:
            found.add(int("".join(match.groups()), 16))
    return sorted(found)


def encode(values: list[int]) -> str:
    """The stored form of sorted prefixes: gaps as base-128 varints, zlib, base 85.

    >>> decode_text = lambda text: _decode(text).tolist()
    >>> decode_text(encode([5, 300, 70000]))
    [5, 300, 70000]
    """
    out = bytearray()
    before = 0
    for value in values:
        gap, before = value - before, value
        while gap >= 0x80:
            out.append(gap & 0x7F | 0x80)
            gap >>= 7
        out.append(gap)
    return base64.b85encode(zlib.compress(bytes(out), 9)).decode("ascii")


def _decode(text: str) -> np.ndarray:
    data = zlib.decompress(base64.b85decode(text))
    values, gap, shift, at = [], 0, 0, 0
    for byte in data:
        gap |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        at += gap
        values.append(at)
        gap = shift = 0
    return np.array(values, dtype=np.int64)


@cache
def prefixes() -> np.ndarray:
    """Every registered 24-bit prefix, sorted (decoded once).

    >>> len(prefixes()) > 30_000
    True
    """
    return _decode("".join(_BLOB))


def registered(oui: np.ndarray) -> np.ndarray:
    """Per 24-bit prefix: True where Wireshark 4.0 knows a maker for it.

    >>> registered(np.array([0x000000, 0x210001])).tolist()
    [True, False]
    """
    known = prefixes()
    oui = np.asarray(oui, dtype=np.int64)
    at = np.minimum(np.searchsorted(known, oui), len(known) - 1)
    return known[at] == oui


def plain_ethernet(payload: bytes) -> bool:
    """Whether Wireshark reads an Ethernet pseudowire's payload as a frame without a control
    word: 14 bytes or more, and both 6-byte words at its start begin with a registered prefix.

    >>> intel = bytes.fromhex("001b21000102001b21000101")
    >>> plain_ethernet(intel + b"\\x08\\x00"), plain_ethernet(b"\\x00" * 4 + intel)
    (True, False)
    """
    if len(payload) < 14:
        return False
    words = np.array([int.from_bytes(payload[at : at + 3], "big") for at in (0, 6)])
    return bool(registered(words).all())


_BLOB = (
    "c-ri{WmJ~!*Y3NId7jsO)7>rIDIgXlDi$gzDi)93_1H-%A&4kqB1)*JfQsGS-QC@t&*PrF-}c&TjCYN(KJ2mA-}4jV#TDnA^"
    "EiIT&BgzPKkLu>v;M3<>(BbL{;dCY+5Fjp|KBY7vju<FpY><`S%21_^=JKAf7YM%XZ=}!)}Qrf{aJt3pY><`S%21_^=JKA|K"
    "W@Nn}7dz-~T^r59t4pD*kVu@Bh$p505upg|5C!(XLy}HfUzxBC612J{4lB+kdzaxH+`RfKxG<Y^E@CT^kGE<rv@6vYu*0tJR"
    "c^`DFcHM;YCxzayuVK%Il(e((O%#Z$imcKxk1^bBW;RI)jYL0Pg?{-O_PdlvN{!;d!qkJI`8{__7hY2trrp6P#S;^}`w80f!"
    "0@Bj3v-oUF8s;k04FM0z!Iz;t$J_p0j=EpEP$UoHeCh0zgmto|{MYu`!VUhpg?bFd=G4A67{_3we;wJ)&=s5Nvs$r(IH=qtD"
    "5!p$9G1Lzz4|^cyW3pC*UZ&%gBYqbapc>s{y>20~Q=FOKNm)pF<gysu!{_1JfBH;%Ek^Jv`WI(WEo8EPPzrTgBI-G;$99-Bt"
    "3bkRSWTav_n-cv%yKj^)lY+arzYNesP)tZN-@<4rH1xkEu8XE3D<)E^eyU^fmv|wV4~K_f-1UobR}93$)O2Ri^N0z--dydi`"
    "EN8v+&X1;N$WFdL&3ks5Ep*!$^_FDh(l2LZ1|UMNQh0R0@&u2A4_8VV;=KN98%v?*eSB2aXC9I<<5Hk=Ayaw!T4rBagyZHro"
    "!3K#$OfHf9Yv{D)Vey=mJ!2yGU&0o$l+=in6jLE0yzV%@=`q2_q)-I$Nzfv-@8i2v|?vb{|W28^9cKd=~!5H!N^0wSv^9mnD"
    "3HR2-L{SSwm&BbAIeE6Sk7Q;2nOE6QkQ&}Gry0+fl!%TnT80H{Nj9d*7SS4aBVKiUd6uqvXX=C@HcHU1ZdNws3VNl;NX(oG&"
    ")#QWJ%fgy`20E#K(JY6pFT_vfr{^j4!WnQ?eYUHHxY>25>Z8%&dO6zpwqmK{Lf!eB<PNgxyA~}E;Q<0a;yfLe#`bs6<BiyYZ"
    "J3EQq6+urSB8UGxGlP-!P#LAGVq+-T(8hpEQ8q$WDB!OXgp)$DpjmCG)#LRg#Q&$E5`NtAk-_x4)Goz;niP;)iNB^VwsqQR!"
    "?zLslg4gmG+_W*oUGF`w@N!gBv)#ql0|76?MA{oyJD*P(%rx1_t{Y+SkwmTqW-ZnD&(#CeJ`Ci&l3~A>UJf$KB9ALuq7GBeJ"
    "RQcNk=d5_u2$OK4CjY1LA*a;BLUsmKxi=Ro5C&6a<CfE*jON#v3e)m*O>%c%7Z@>&hILs%p}!T6T)MXW+GS^0F{M5mCvAI9k"
    "@#&Oks9OAP4Lm@4*F{al^dPqk=UR%Twl;S%wNq=bUEO8#^;dC3DXo<WDy=ux7ZU!B1AWbQeGtjV5j%l(GCurO{F^~F(StZ7n"
    "(%)7V=V77mev3Lb+5{7y0b5|-UvxW3T-1kh;#_JupG<6q)Kb?^&>p-Bu8~#3SG7@$wN|VKYNz59rY%LQIdJ?%tKbt<iFDLIA"
    "m#}3@khxdos!SOao7p;n*k$N&l50lzX$Vw;I@uNy}(bhO*)4>B&s%%Z3UW{d6`@mFUV#orHi3=5E7Bp+`dJ#Ds?+OlL4_cDL"
    "Vh(ePr-IId1wFgm$cj-$6Q!Hl{yhfA>=`oQ2(D4|bxAE>LKvYiRHucE#cqrYE*ZNAJCG4ZJ}U?&3XNq0mDVI7#D|I4DeRk!V"
    "*&=0iI6seeYfCsd)w$s=2&qR(zv9+y?rIkJfU?sXcCBaf4&v$x{a@GF*!baV))L4)Q)PNAHp-4=H!1EVr{`@4I6lc!asXx%-"
    "!eGVB|6_DORQHgOcsNYY9npbodzQ-UV4~V&nX#t(*68dcw*WfpC3-(g9RSE5c!z-v>&;~wy9sYsuGWsAp7h_5VrVh^H>gaC5"
    "5sY=3!}HkZAl1?ed?&32A7p6H-iKkGBaouecPS5BWSjOy_===FBwwIKqLIZ*^6cRpaZcXl`yAe&5N}9VJ!Kxv7uxZAHOz0L("
    "Q%}r*LM6w{iV{rK(54Xblf0X&!#spu@k3h5s&dlp3^2>GLVmiQXYcg!Jl9;sP**iG)Gj)3mA6_r&+v8L{y}u>nEhEEDlgi_Y"
    "FMe_Tihz>7$$>x2bDs9XhX2EfYVH9BLl1lm@R7t>k00o~XGAZFHBwrhYMMFmlX7etsF0O|z&+{7u$@?*9AXT+J13*<nC74Gf"
    "uy1=68{j$f2}%{>>d#5%p}Zs(2Cnr*gNZ(6BYQzN@M8Mj%0gS43{mCINwi_~+JzkXs33TYz-c>Yx-ru8_F>#*1*+Cmk2jf^)"
    "_HLXX#4bu6!s1gA?Wba8T^W@ijhBLTMqjrj(uN04J9H+SEe=Vdk(YcTYUJwstleH|IV;*Ba!&wPtV;3Ta6-u4OXk8<&vL!}7"
    "p{Wyfs%R#9=EG#*PTsG?8#FZoMbhcEoJ;;oV73}pafMvJF=F`bgJY4R;rLv2nnznbkNir|vS0f`_*_MM!`Kd{$LOcBN%X!%t"
    "C1%fjjM)9;wChpAp!Fd*jO{9Ntf7N@Utvtnl2V!=?g5Hdb-89wk?KTpkcc!qS-PE+=Wdn07J9M!24g)vz&Mx=~8tb{qBgyzj"
    "2S-;1qU=JaT^_=gFh8h+F)!u#5QHql&8KUm@Alx^;uC_{1b{F&h`*>C$GYY9pL~k+Wy;De9W17$yynZ}1$ZQ4Rt1-@qkRY$n"
    "5r8jDcxHQBrW#5}ZIMT>>gE8OQnI0&~aOsT|HjPaVm1~ebWjk=t~X0Z%QpfUED(u<YeZVTDewL{-Yo3T|$&7J&%Z5JS@h0_u"
    "gDAu_!AKCjX-YV<qnjBJ#JhCWF({X4R(o9FgbW;3F%$5-~urzPvA<E&enul>2NP3MLF<FT^1krXK;uo{Y1>Yi-zeZmhuaMoi"
    "C^D5!N3os`aD5Nch{d!R8LCXK;|EntXk!ua7#%Y?Ay<-xmUGi6gHD61x%ML1&DTfY_=?c)_yaAv|DsJe%6Ib(p-b?NX7F$uI"
    "j+MEYWb9Wd%h4w==O*j?&7&@Ip72~VlfBte{cbR<?}?IMf(#d#E?on6=zXEKHFL7@?rg$YqW(6n9ep<K{C3p+xUN_+EmrMi_"
    "2naH^w^!fm?)nhTdYB<&oHg=I|&LF6rp}o)U5y(O6$Bl4LDwW}KmCz0upTSThT;9d5&Jhmt1t@*_L+ev8NSQn(h=^r<|v9);"
    "LI9joA+&o?!(lDg{}<l>8Pp2z;{Sd3Yu(&$zow6eHU8m~bLDK^nD!?W-L?H3@6ij*QH<|3X-%Z6d;l&Fu5;tDqNleIe|g4C;"
    "UhRTovN9#k>J>I^Mx-P?Rc=g^7|K+p``s0nm9i~N_e3e_#^cK^@JVa=;iS8TW`jP@RP?gvw?3Ysw%~MoXPsPxmh<=Av81<9A"
    "KxYLyJcIFRVSfs3{#G^cYtb+KC|1jBavk;g$*i@U)6ZVKBxU?^C2oqihm{mv@2{=$BTnF{!<;+XJ%$cyb&h`0W3da@a7nngU"
    "5W+5`Z_)e#*VSERl-FW8<wHHp7WpuSV27giz%p04ep@1j(R3W+6HB+qsmZ@8qz3%-)UHLT~jo4-ZDNcp;EBaR>Mli+i38h<w"
    "8BKO^%!ogA`E+ciB#J8{!@Bs@iwa|G?5Tyw||#wrOH1U%++)#T*y25qlX~yo+6$S?KJLr&*r0u29=aXVJ5OQbnq8Nr853D(M"
    "e8hIbHAjiV;+hK0c+>AaR+p>?Rw*hln$f9$0)=qb5V4jzi<TE)yM!8PI}o{8<^I#t2QG&~c-y9~%xE{kYcfYx5~=o)@ekV`H"
    "C$J`KCm2%#!)o67{Jcp(81M0O61wyr-bCK^n-j3C<`30+drl`@w)MEnk=_nlb^VSEq?~_Ia^c%hJai<wCr-Tu1a^wpthHdAQ"
    "yerG7VTXV%@Y$~HMEC}pDL;xO;s6<iS!BR{15C8`Q{SD6)hCh3L&tnM(cfk#x5f=cY424)t%7GNH*l6#u>M_^{!3ZV=E7kyb"
    "Q>o;60hV#`As~+3vq?K((qQ8d2Gi<KJtK2FBQ*dK=QPm;<mC^rTUhtQ-zi2uh%#Qhxsa+FOVr_K+AZa#sTyZfio~eoZ!YNWh"
    "-7n9}!{}wM5!`8$MyXEJC6DE%IP%{eT>-y0NT3$4Rxe(NFPE7&~_fyhq*^+K<qyK#GGjvRf9bZY_GQ<TGVs4TZNF(#dx&tg{"
    "(3?N_1MY3kxpOE<{gsGL=Qn7RK{hrT}Fv6TAh=#@~CO)+bRM+Ikm<7uG-46RNxyN8(h9b^H0i-=1|ZX8`9%r}9DyH7qWHnF^"
    "Wjgp13RP@`%=lc!&&>3W`sT*h1YX>Z1vq-Y{EL6>B6S##vxGrnazC!+DCroN8I(?&Y9&@D4CQbuGnz~uuh4&b~D|Fa^FC<3K"
    "N9X-Wrx-tj9Bu-&f0u14=Q*PNC7Q4dO}o71o^YMTv^{zcr6T04zzoFYsqfH!4gr0>ahV3qr}${?LHcePh`+{$UCp>s0bc_;C"
    "T!BNL5#akJIQMmE5;KHsuEh(3rJj~$GmMtNT6n6MYJ4BNAJi_=uyM-aa*-dyeI8`vt>RS&ZC5T)M1~hf4d$UdJU&+5zTw2$-"
    "Y0BnQlWjOPaVEjxl%ofmf=yux8d)Mk}Eoa6+9bY-{1sql}VcTP5_rCU8yYwzz~jq-^0v{;w>x785TcanMcJpMI@W)W4B<G*f"
    "wrS1495$4fa^St}2d;Vn4aBkq}9FwR7~zuOHNTC0qoFPfCY-Z!c3F&b>&w%=O3hwTeYo?Oc!=JYSwec|T1&c(eYEOcw+PMRh"
    "9|CBihucSWaGg!XT=>^$EABN#Hr(~bL8R(w0jmuIZ4q>F7)ob3OEci6uK)QZ&sOM3%%7a%bPwxTPcBofOT9$=Mkx1Uh*C<EJ"
    "giACsVlm`G;WjeJ=Y`NN;G#aEm`fNiRObp$dBeHrZlrMoiR*C=O-i7rQA{h*&1+neJV&XDJB^&an{T`OH{?*u(Oy4!pxo0b+"
    "VnGPRYyk2`tg2A)ifV1)~lXjMB@po#CQwi>09CPLN)QV4E%*!ii{0V+uju|&)_7YcH$v25psmhK>MuHe<SL*PiOXJ1${x*HV"
    "4FAT1jW=EhpK{;s=6EdRfku!*bCuW<A=rf60<FQ#hnypE7tq`ef5Fo|Z%8xE8ad-hhNIUV1CxxQ#Aj2`At8cr2@V(zjqY&7q"
    "-NludA5C$ET`z;o3>^|1B>qvuJV@dvR@PA-O?-rrUWMC5BSn2RIgA9izl>ysGiv|Y{>%UQYlr7H_XHAmdGr8H$DzNG22okww"
    "VY3vB24G3JJ^ev$d+t9NEX>3K*GfW<Q6O3Yq*eR#w&?BC=?!A=p_Jidyv|Y;z@(Gcnjw3^?ftKY(mjAw-BW3-D)eHmE{=sZY"
    "T7fTUZ*vh;rW)0=Wmvb(axDc<@mmh_#bN^*uZD~XqQhiVfi~L5WWRTCTg6JQUQOGmOS|DN#=DgX_c1u&v{31dU&QLZRB5q};"
    "Ubi!ajM}CY^C0|xm16tFmAYvf_gXKs&YKe*tZDAHP}zS(}VqXbD^?HYseKC=`P?7cuD7IqsU=!_>IXMXb$8NW}6n1o!oaQQI"
    "j9zkrIAUblyh)@W`qUip~+vcgd9Gda)Se!k??JBPvdHgG_d-mhrrs=8K`b;BI*ahsCrXat<CrJW?Y6Zo3G!a`ZlQ%H`2_eFe"
    "iyw1W?M!ke*DSubBu`-mY;&WL@~T&g}Org=2fwTetq=q^m3%RA^By@Hm}Rarp6yO`34PTR=h7-7DcGrUR5i)1&C1$ilDiSRX"
    "uH(x=6x1xUYhm4VTY2Z#Y{K+Z8We@ZY%NdGKEs8mA#T4Kf9G}y0-wE}F>p}!2Jmxbxt&$-Q3sm~2p_i1NrV}x?%MxWhCJx(-"
    "mM{5!?Rrn~bw=;z4m~|;g}U=n(d0NMCI_KCbpv;A7Db*wh>iaYQ3};ME`2wjfRJn)qKDXr$iHo~smCmA5$jncbHoIjZWXNBp"
    "(mjFp$uQZv%8Nx|K;RVNqcZl=F#X<%u|X*zA7d-o$g@t9#l}wA@bfpHlAB)3uTIFBXu>)&|slhi3{{oT&8MGJr<iA7+~D_44"
    "h-nLZ#Y3ZN}Y4#7YF#eO?mebY8S~T&`;Gp9dW~SMx#3cov;iv$?<e9ucAYVOFF>AAm=I+f0-&z8{8E&PY`Xe-VBbHixj2M%W"
    "%ip3G&!HO>_u>AJY4ktX7Ii3uGL8s=3|_i@-w#o&UxNWOPaC#tSD=_DDn)+>TWB`xI?61@UDaDtn@L{8JXOx@F|1};g(s^l1"
    "-8t%L1`^k2$(AbV~xnz8c_A-J*?~)<b$3+^GsB6D7X!4p%T_Gy)24bh^eVnCZ$W8|PW0)lZ;)0&Q_8lAtT7Ll|9Ba|#Ej2Df"
    "lYi(md5>pPNzQ^QatZP|YEL$gnho=D<&=pY>XuDbQIp<_=^nzpJ>09Qr^h$xtkL!FUmByIbK|?mXfEf#SeULetbojzUET<*c"
    "JDA^vT|QN{1lWNuJau1AXoq1l_Z+2!X2?&bnsBRyDWpKWF4F(m&qF_)o@?WPI?I;q3<}S7c+E+H`lFVdvc1cLBhmr+D<P}0T"
    "YW!r!nFd3ecnZ8MthNlXE$ZNo?TSr~hU$`GJHxaCIL15gVB1%i(%R9>Nx7DORu<R+8yPzCR-#Tn5qUmYoXNrjHAU0ToDm%(h"
    "&wRAU{6v|FjnVh<0W@{JxbO+FDc*=;TIMTqVX3=MBsh%L0Ayk;`;Jw$_1Z7R_)qEy@<>kFb>oTY?*WN|}m$9%-RLQo!li<{g"
    "oOO=$mPXT6#Zj&}q3WQz>vQ!6|*>hQ+)<JxtHL|5`HAO5Wq0_aq))Vfe;7NPnw?ke~g-&ukCCuyX<j680ThyZAGLF3qkT{<Q"
    "rbdJ>V>+1+3*)AnXi`L%E(>^P_TsO;)A!&eqk`73K-<asTaeg^7UDB5aw*LIg{^;k7jcMUv!LINdC*=vFcTWNFv}Nh_R%qQ8"
    "{HSeb)%va-Nf)SB1^bUGvThjf{r_=%L+u)AKz%NnCf^NOJO)<jIswt<J!2Uz;`1>FXaB!+f4aTD~l0)PQ2qQCcEa5%d~P<x5"
    "pT0*puqT&s-=st)?@iH`^?|*B+b8uKO}1sVB5CspP7!R&HStwHoQF9^}3V(@qJKrh8}xKXAHIh8r4I8n@WyJ%)x=!F{UqE)r"
    "Et0YwamVb3sj10ws?GHI35Hqo+wDMG?JXLHDWAkWeT#gYZ`2rG-fxu)fMB;3Mr>Zl6q=XYLs4H%SYIwltyI~0S)KC0Jne~dw"
    "W3pvh3TRmV5*(+|LO}<E%8(588`Yp$0Hj@fD#Xc9E`!*dGkywMS?G=uaDH!ax5=jnP)65FV<0AE1NXN)>KSDpCuip!<^i>Z1"
    "FJWxlWF^&`VpPhBdcrAYoZ}D^W@08)^29Df#9Pjb!P!U`P2aPmrwLD+L!>uHv|AuPVnCOjnkDK^YuN}VeNm<JCC`dPqYN^82"
    "!}#Gy0P;->QGI!4BRc2pjQfX41S}&aUr>GrEZo5vd=Z4W7nbifJ;1Lqh0ijd$#C$77J;kOog3A20g`gx-6xZ*L9qt)52i4sD"
    "GM!CgGV%cc!S<@+){GPU9!tKoM#6DiQp+kv6WIdA{|Jz(?mM&$G!~Okkrd!cO&FF55iD)?m-z_z=D3$K@9p5IQX#JCt&fCzI"
    "Ht3gFhL(N-DL<}_Lsz#v!5!#Y(ZYr=EUHGZ&`1{Zc7(wP4C-I8a@)u)vCuw<>WeJ?)BumSz9a`(<6%Onnydgnwyxxyf4dj_A"
    "$U@ebb5$wvKk<C!NQT!Gi_lwmcx$}hP0Trq=F|=6DmRl$fW#o|#u^GK0l3$|+&Rbz|U+AvHdH5y7cCqSw0JBBx6;jo}E@C_C"
    "KKZat-a@0BT8+$LYF(k2w#&qQe5GY#HJXf_L0z46e!?qs)EBIiMKGE+$?g%7Ms`m_ujR_{^Zb04Z=t#<RTER?BfiK>sJHR%Z"
    "D%I#vleUF*ow$+%5AzubD^JTn9lBHJHW~$VUdi<5kEN)H%#St6cu#{?C1m2NagLM>r+NMxtoj8r~;k7Q=gNtd`d?!@d9=C@!"
    "E$S@|zs@L&Pi+?iVQ?u1?e2R&bl`6JKS=-DrLnY-)2=9vw5$e$XaN>X2M-Ak#0$-E8t}?3f{@-sNy}TI^Boi9PBn(pW0I9lG"
    "|M@{OyKBjzH&W2RW5tRdrS;pz7X6S~J<z{qQ?<fmZa+AWWDZUq|6#kd2Ayw4{pV8*b~3*3gb_m$P$@eA=Cs^FD$S@lxhhlTP"
    "P=UG2P?E2|8H+n}Lp--S|7jNep?gCdgpHqxR>f96^%ZI}BAnn5jrAM6RHn^lPNf`DU5V>A_mtVQ}mI{sJR{bJ|=ydKm1KJC@"
    "z7Oab%&$QEAn)RLvcCt{e`QcQmQ$iu%h{reOYb-}NlB%tR7@eU+_!|Sh`U6?4gTxqEHkLl64H21cU6|&_b^wkM(Z7QAAwA*L"
    "c>Kgd>>Y0lJO;SUP-zQ^2t_rrZkkU_E~c9HI6oa-9zJSVbro);w(62uzuU-L96#&^sE)r^U1q}`Td+2b&q1n;R3TnI!q@t&K"
    "0NNXgmvT?J4OxJrzFoFGSye@rj!D4nIMM#a>~g73MVjAg9W7HWL5yuynqNQN{3453NAZJ={dhW-%z}C@1z$xGat_dhqsh^jZ"
    "KY-*|GA>5X=P`iGpM&9V$fDN`<I)@|WgEE0XzqL0-EuCVqp7R_#Yonm`VIY((YM&k{(Ngd-8yi30kxK%pMWMp2;mv+g3dWM*"
    "^8Uaw{i{p$0T5A;7SsW90atWgow!!Km2K0`f%fy|>>J_aQHOT84Vk668TPgGsmdhG3-K9~~O8kq5q;(U?OEF~9Qdqr$R=LpV"
    "T!wXg{ciRA4v78m)ORubMpIwI$axbBU?+p0Fj-73ymI-eW-`=&B@`%jQ8CS~(Zm#7L$7lp&?02=MkKkp-AmQ^2;Vr;*h|Vo*"
    "*}v4{r6xE8$+UgOpN(tGdW+G=zA7@Lf_Z@GNMH2x|Yday+V4}4SC4UbBd;Dx}CsbW~^QVmcX~;T|`_#n2ymuV$wc%jeka)F)"
    "|H}@6rX<u2(Rht4i*8RwG~RL(&mAHBHE1iMqrVy_sS7nsgs?5GDh!kfBC{DYYV`TP+tN)cQIiw=1hqDSa+*+b_dk-IkEggsb"
    "#Qu(>V8M#|tg-lG;(tY4?7aU;WjP{lgA7NsmuhF12AMLF~2Jx1>VR>yh#E{F$=flK6JsDGgl>x6GUf}2;<bB%9!L!Is-OMJ#"
    "1#Ks3@@*H?tFMxUpk7=bG7Q2$-wKB=hHE5FzZlzm}0vVV}hPiT=xW`*?10Ii1F84BN$4xTM$JhxuWaS?i7oEere*<2>xDDF%"
    "@qbzOD}XCBs>xD$3zJ6bXk8%pO)PzfMN2Qs!?0|zh&FK3%ZHS3PE^UuqHPUYb*Ut$6EHN6UN5UOYAJa??V_LxREmCIXo378z"
    "1rRv)fm=lQg`D6a6Ko+ZV?u<NWU0Ms02qKFQR^iIKt)dAJ$E^2Jc`vw0)m15D|mVz|J~&thMtnFJEKt+i<*$RwdN;HVM^Hv~"
    "#*OQ$935>5$^{B=(kiug4PgYpzLlr@h{JUbkA^EtGG?#Mm0qv+Fq94AhTa58M7NTJ`f7pGy<Fe@Af74qs6$raS15KLxfM!y^"
    "pw?uLalM__EMeY<8Y9bIm)HXkAVl}y5YDsY!Ri>Ih}8~W3;DeR2gMST_BZ?N1$Qq|}J`ecyI6oF;Z;V672`TkvuzC+JKv7gO"
    "*@9DTr{V%uDJIbejXv9f$4-Ly^>AOjxC1SuEo?iWJ$|thlLL;lG-xabmQ+KdPcI(%D5lx*V;nQHTXqqNDAWoQYR~(gQy|b}X"
    "B-sQzXzf*;Zr}kr$Lap{gucmnOt3xtxADC?Sb3kNlbntBh+hb=VomLt7%@7!M(TO|l1|P>6Xzm$G1>)0#rJc6BJR<o*50-{w"
    "`d{Vhr3RO9Qg@tt6)E52F{W}*im}V*)d9MF>`&w1B%gAd_&S?AuNv~I1Sw$4#MLOTA!tx${7wjBZfQIB3sU&AN03Fi)ZM5j!"
    "h|>hkdwLcjGLYeg}=(_CJBP#VFTYC=bH*2=lY3Cxn^9B#oZW(De|FOIk|rMY`%dm7;s}S-Av(g(3$gF(KZ1)pSBk={DjE^hV"
    "B*FIY3XRDvD~!;7+221d_OJ*A+2jb<WZA?&*Qgm%jlW}e*eS!no7R<Sg#ouP9ZZe!ZqqbK->1#xKbOPtfXN_NA~pjNcA%%sm"
    "8Z@peHtw+~OdIpo7aE;x@kWxlha8+|POgq2jGA4dN7X6g_VcFm^rqxnxAx-O~cNzC-kV(fM3~7hyj5>w6x`b6+6^%ySbe59!"
    "cI7C{(uK}EVKjN7=`NIt_|4E?jm=2>NM5s90j?^YVzW^%c&kj6yQ!Q7<Sv=cLZn>C_pVV2k&60qi)e6^5p@MK-Uoak+ec!dB"
    "JLv6GljXg5S!^ZwR(srtTFrReBli(VOK4{IhleK`b;h>IrAqZA7s5<#z^D20mt|}!`{NfC!fx->6w>7)Uq}B?NZ|V&6ktOCv"
    "fb37&p8PlXXa%hJVC-#6|3<i{d@rQZ3pw^f7kS&y;cbEbCik;CuQllqj#Re{JWJH8&XF!0$Yq&ZBt>JVM+aLo-0DkNc!@-so"
    ")7(6(5Gq36iss>r0cv8kkW1g$PH-ddEP^ExaPhsojxMO0#!>NmVf;hEUG8ex63u49qRpj6r~HP%sc-7IukEIW;9^OUFTvwVy"
    "`nQ{}I6umSSBDDD$*pGM!d(TU}&(^15Kh-NyM|TaJ44w4yM5!Dw2bGwfBVLeICQI|V6rC{nhC9Bs|1uuAiT<UuUU8hS(ofNl"
    "`;c0fDKP537(RFrYN1hu?aa;%+}q`GZW`v1#pzqEc|a_ZmfdsUJ6C=r^EzaiY_*z}L#EOWjf))c8uaEwaF8sH!K8gQUsLFH9"
    "v@$gTR2B{SI8s-L7VuydsK$LD`Xn6KsP;1hvBZ#w6Du;w02ceQ7@1E<pagPhyQ8$Sa}cQ<M8x4O24@4oBd+r{)Mq`iEZ7eLJ"
    "Y2CQ#r*9+ru<Dk2|Ebw%E$HlP0n-FoOraqp9%|`UnT(Tz0LY-}&GLcqU$me^i<~Q9<Wn|A1-chwynLXs`GyVnRKu)nM{|gL2"
    "Wa>wJnIF~qBy#+JjT*9ukmUIbKAu}17CToJ?DhHb}ns+2nYIrcd)wYTX00%K;Nq5n^KEQD?u_qBT)`vFs5s}`bDJ`4@~+P}a"
    "`DxgDRBj?~!B}0Cvt1KQ7ovc6d6gPQ;ruS(=6+IVeVjV@_SC*ocQ=f;h9cBYVt7O;Zu+esHUB;blyaLU2eqlgt4UL`>-Ec9Z"
    "?;7l=dt)eESHoiyIY({4Av%b$@z$IVOL#Zd!pLThFz7e<ANF7;yOCMSb*$z#y#<Toe51c9YmMgZt7J&6LJFv#R!5Ib*i8p1H"
    "vE`Y5#Q=V&i7A*e&}0_Em5}P3tA7$7Q4{b_bIo`ZV^^4lGmZ}eQcDo5w;7XhT3Yxl(L=b{pSDmx0*PIzGLVuY8K&~Dto_yFp"
    "a#)HXgHwOSXkBaV6H#FVZg%cZFl}xcVbKs<8+4{k7V2EE}|)N7~cdqsKS=OLf16Z>Oh)xh!ZG5#Vl3EHvk!eTpUz3UrUFAIB"
    "R>@XP_#`vI4s&1ay;Q?$;+S*%fxNV5k@ze>3oA`=akqfLiOd=;}$KZd#&QVLQjV*CocMJ6kgjb<<1gJLo55T|G+Mpj{JjPVt"
    "mlri4g39YRs2P~tPFmt?47cra0Ht50XSVr8rPsCa}sQyNlKS-Olkj{DzAP#!#<ph_7JVWqZj3%2=Z?I+ETTWJkjn0Uct}Syo"
    "aTQ>mQX#drAfLE<A7Nse(r6J{&t^Jn<m0E?!>!jI(qu$fL{YD(^9I(-E2w+9Dj`>-G4wx{hvYVvhXwHZ1gnK~2*z2${|D=ng"
    "Z1#Ol)QuE=g6LhbGgjc<ublu(x3(Oj%p~-OVwus-U+wSrx7T=pq%>GQzqSHa!E+1p)pUnJF;<56>tFVDm&N29V))8=}~$$SH"
    "7^islJqohBqy;#CM}NRyVr8cm8dB!M<8&jn-!U#}(`zx1q<hc}yAOQ$R0;gKP9ZoDpi|4AC`@rYoHcD;O)ME+MD)qK9_NRXm"
    ";t`A0;T_sEx9<SQgiY!(|n%G1s69)(o06fe>iH$~@G%h7Nn`_~L=*|)vR4mu)cDI!1}QXw^lgw9oaZ^i=Q`x%RA2|ZH9x!R7"
    ";;B<JGyKET(xAPeEH+fIlm^vSxqhBG&<UFFf&Bb%|I_lxuC;Vs~=01b9W(hlxYe%C3G;aEaTW1maozpk~f3L%|fU0=kBG4_D"
    "Viv%nY0q>xSoEJkZ_wCW-E$ROu0kD?hu17Lld_c8Xy(>mDWK7=bLh8fKNTo0i}8qDFVb~x`+(L?>*O10*`tWON|^@EbDTOsC"
    "Vj2bS(kEggq6C>Jx(HLg#H^WBbzmldc|Uhrs?R|r4-d9IUPRr<Emr{(v&fc4YH8L#qx2S2iN*3cmb8CtFC@<1%Aq3;-J)gg+"
    "pi+e3^##sDl1yuuy~?6t`uh(IMPmn>!{9RzmL{H=of_5qw;hQJa0DSR^$exZ7@_-O4evim8$t&|}zq)Nf%Kc8>?eb~8iM;Nk"
    "D6?`|eOt0#zQe3L5VYnogQE$2+6i%0m7s-uyRgZ6g4x~`HL2&ns=MyoSirP&yE2|B%QDX-u*_KVm^6UK~ctg}hxP}}R$VORs"
    "E(@S-4!HVTjrHIKhDL6|!rYPGTuuFr-4fsyVg6=c8R8e9EEW^~v+{3!Y+i5%Rg1gxQ>bF;8N;+IulT(>gITXUt#a=ZRz7<eK"
    "9f$F1bZ&8uCuY=5(I?)x!@tz}?~pkhU<_U(`X27^G%Y}*a8DK~4)SZnI`qGS81s`b(&-ZC5V@7BlAKu1bMgU!6B=BnF}J9Zx"
    "kIl#n6?;Z2WaF6tb|*X)k;3&8qTXx8|adlG^8GjbV9qm<WZ(BfvINawL+|h#RH5y1)U3=oo>==9>PMgTU^B>(b%u+B^ny68P"
    "ufB8&<=H7T%L?AdQNYD|~OM3`$LWkD`I2OQVaVYP?)y229RC$J)8Q^_cy*tZ2;Uj_Rr%Xr{q<#}J%?jiO%k1{{TJt*|VW9qu"
    "bt?7LR?XufhBtCSZ!QYnyQl+B#|YnY|%yKiAxo(;ciDo=xhG<?h)suIa5Xx{8NOqQUW51X={?`6<jVQw0~6~@1)3~i#^lhP?"
    "&x(@7O_!|B@$b5$w{uRx*MBQGYvCUg~4&$#Ooag%`PkitWL}W6`Z$qE<>&R_*5slbFp-<pD@#$)%O|RKERXyKg)bJpKe0bDv"
    "S%d2wNno)Xmfj6sAXQ!8>k_=KLf9=sw3UJC6~zqdum<(pXw7Eo`>HAw>2fiWwo=RJ=`#`CM5l%k&f<fz4w-0ZQZG+Qfod~CI"
    "?SfU(yb>}aTxYLh~H4kD3Tj^BT8t!82=UBW=W603pg&9is#fhXkZ}=O2QT7KyB(i8?C;>Rw{;H=wA*lt#cHwg*+6`$!#ZQ(s"
    "|8$xF{d-G*a)r88qP=ZU|e&<tFP<E_7QLVlNFj#y(Mu@Bz!^SA3??`UaJBhN{u%0n?bs$B<_0SQd-qRsM-tBEclEVFt}WuGm"
    "k>_rwK8S_kKGE9t1P-+{{--8OUHUrsMItDuBLry<m1Gwx7|&~=<>kp+AfeyjN27xDA^tB)djy8AM$mO4-90Nd6Ya64pkNPn)"
    "XWp5emZmTi)fh<*Su-XorPuIj77RBZ+KiGS^=F@J>qYbJew3uv}L#rrkoK?^PX6IsYh++Jpu-hXhZ&HMhwPyHAm{|JVg>^^G"
    "0<t*A?K8sU4mt1UT3%H46La%NT;TRLK)a!vQ1^<+JZKlGI`rygdyLvlIzz2>4}cbkvwYnmw9VY0+&rtwg8M>M*YQ1k)3BVuG"
    "j=5!)#A2RlGl(GlrJu_Oa;GE4%b;|1O5G^A08bu*uv7S?lZ4au?(lENWN4VpJ#eIA)+{(_cboVW2Ul8Fb~xmKB+<;SDC*?p7"
    "Mk5?2tIhYF^7k+tKL=y10$+XEr@m_PC6MT2*i(^)j)AE{ovHaB_9oClZUfi*hvwP0YbZ(X5hI(k!&?-R};h<p-`GxA|N;K<-"
    "CrjcAdhQXi*F<Yu5YTA~_es_~mni?s|^`W*}}%N*>I*{rj(;Jgj-(ck0&-uwmR@3oAZ<L`W$()19;L>X{}b);=Iy2Thru4nC"
    "@(D1A{jqvrz;3vCHs~Os^koS7AmhbWeqK4(GSx{+e>><)z08hgi%CLYutjA6ml*=rVQ$7F}Y2bY7JaH2aBVTM|stKNld!)21"
    "r(LLf!)uxRDw9``?=u+Ko#f8EiO`ncsqbvEZ9EfaXek-hlFo#C*sI=0rChO~N(4k1Rf)Qf2lr!$SR-!3;<V6N$5C!E7K<O8e"
    "NBJhv1qnTOs;|Yi!jPYd^{OzG-;BcTlYG}qD*<%b8|VC7^K%AH+Yub`Eq$nbk;b^A@N_uJeXF9zy}Nn&DO)KT)ZQvRXBq(<q"
    "k&^n*qVCx|+9XBOk!MKxBx+Jknp4BHSjk##!VXGH9?{5iIx7sEv3oXVN@6PZMurj!4)<e+Anck50M=-2yo7;wiaJ8t+)`?+V"
    "l1T%GZ`cqxWHN0z8!TH8u;s*5^JSwPi13x_Z+P`v;~3A1@}^ed6WY#Zy74$ls!@mD%cc50oAN@=$OyLhwj@}>mTl2-E}CVl8"
    "TWmBCQe}@>_+%^-(sajf9p{MWQZ5o5k&mtlf_Nn3#$7lO-2RRoV7G}ClN3{BeN!Fo8{YJEOZrn6oH0(QWHy7_8)Z5LiU4p>F"
    "WS5ELL$r?@e>Dtb&=q=3`zdt3b~e$#-J)FqbgkMS!>H|ObexXkgxE*=mDF`BrBnA~FsPS8x&dF2+%lqXRPaZRzaeW$dmHQII"
    "w1%2-72?|b-hpUTQ5ibf@Lupn$4yya5HXUv4Z_E;0k(mueX6NFfJU$6`uO7l+W3C@NfA8yXdcbbc4a<GWq3_;yr_Vv5#sXC$"
    "PUC;1}&hSNlV#Z(|W;{0bXLnw80c8OT#le}UO-9)EFnq;i^eYGgjB2!Ugab=`wkAUx^?G{)=}Mcl20X*#y|;g}#B^%@mZMb~"
    "K&TDEbU&CmBtLuVDS;Fh9=#!b<7xYmH+UD8XZo$h$s7CbUJ99q;7jdc1g;J#q38~uTn@s_PdjL#fdiRNKbGO<*yL#;9(QCUp"
    "kNwYbVI<&ol7IjY=ew%{!$_6}hHgP|(L-{Ethxzx?qu5h4y5qPLNJ`2RTjdXWLPN?#3wF3dG0?`wqKT(pNb9g_PR~n}J*=XI"
    "v=*;vJ)}mvcIn)*#V8<~FG$=cx@bl96<3h#IcW|o(uJzsNp9TU=iwY(P5qu@)GDn@yxA_&;0=%N8MJ+a@bKV-RAh>;%2-v`e"
    ";Fq23!x6se}GHWl1Yx7@1WjN?rX!2>DW#o@h>^p*bbcqldIfh+qqv%R&%bdfT6_@%L00cA@$aChTTgp@k2N@D0`S8Q)QD)9I"
    "huC`Y+~DKP=*!cKL*TbPxSX3Hmo^1t+Cmuc<~PD`BJ0qQAE50pWRGRtcLaF*;Xa&9QrA3XS%*N_6(QD*~H;5_t$oLpr&2?_B"
    "`X;fV#@LUya5Uk%3lMJkzsb!@Hm4YN2){X{~I(Eq5MCF@yuhc>td`{6GUUQau2Gvcp8R*1`3D@<&HqN+u|_7kWa^(|*3{M-z"
    "kCV`!@*+y%zSGp>tV(=BJ?_Df%v4b<_I#{%?@2SqkEh=F;G7LHf52Ns%ilttkL4RN7*gW<=5?j!Dkt60IvW#KzH*?J$%ERD#"
    "`(X1<RKh4nWN@s=p?vv)%pG+W@<F-e>N}4zm0VR=i7FKrF-!5LjWkE(sQ%hXN2E{lpjq^kOcDbdSCIdNaS{CvaaM}jPd0(=%"
    "Xp5D;Uwt<ZpBPF4>~cnHZ}#=PhpwVY&oKx_lXYW)OQYC{Dvfj559)s3*b0g22QoN`vgtl6|1$70(`#7JWQES_o>f8n9So08O"
    "yN-s@}B>2iMs?^=9*CzgN<fxYe`-iIt*+i(bOs`2=e<SBpX#yBFFG25NOk>VKPb`&D2e4sfa7VFLyRb{Ww!8xw!?E;PM?zq?"
    "h@D$OZ_HjAjuYzN(YYyM!_^A2#^!w>P30e=@PlixsTks~u{o_vY1<07Jbev|udv~)^Am55#>qh#|ioqe*7w-eT2T3j*jMu*k"
    "HcAu!A1oc-$1s73UF9+?WTBeCww|TFFI+U`~u#RkjVF7G1luxV}J+`nKHnFn_G)x%$nU3-SAE14izKBAx9rI+wS+Z-aS46{i"
    "!^1pmKg9(Y{@}t5oBkPVXX>P3yV7+ZX&1;Ep?y+s;2cI4L%lg7I<Smey8p0qaM#;So9bQ%&%sh`<_(!8s#!YvHLH;-Zd~`9W"
    "a{<=AEkFDb<Gh)O5HmHK?85#0@b~YdJ~>k&@F>9gfs8GcVMr*yi2oKAv4$`lUz2D%UOB}eTPG6&}cckSRTdQrSA*{Y3O={^M"
    "JOY>23`0*3h`hRP%_td05+X)E~L>I^vdV9D%0gb-bcClqFkqa{orZILHrhS)_W0(UvDw?w5I^hRfa1G%A6m!T3i~cL8Gei7D"
    "?y0l9Br*4H}#&xUCf5ggZ1^Cm8#%_lUne~bg-8+DGECHuaD9`m0YhZe(gylE3(Q9^(JRl;cW8qza}oGIFEL)}ZMXV9iqcjFA"
    "Xk^YX+9`sP?g_;fxJSJ^E;uQ*ULgAUYOW)uaJK`MKRU+JQyId}cnE|?FYT~sRy;nMXX1j367QS|!_R=d=bgRQ+oaO_$9yx+c"
    "x6*wW`_=dQh^BMl_!)EPD;bURSs=S+lHEEnVGUWWQOuXYz0tJfRcNBO9+PU&Qf<=dx!f$iG3K!^velaxlQ7Abw&^HeCQmtjk"
    "31LpT>F@Pk=PjW+4fA}wVuzgeWT2j!#oDWtcBH0N}-z^=r_YWQ@Ac*s>z3~_jR~*)?7iWX{8MBmIWV&%`mmryes~tfX!@88)"
    "+xQR0bScY{IZ!r)a`l3@L?ClgUo=XzD=*RHeyxm`qyFmf3O+g&VIzf>sHm#<{xp$+1eU+kMI+YBzc4q~RV0_l4gp+Jlze_tR"
    "Y5g3%lDUMlWlz!I9!h<n)3xr#<O&ZCi6=>xeuSD5^gx+FfpQ4z8SQ<S^p@wZQR4-RE3@q<;*y3rX-w46|kX{TADHshjLC=Ma"
    "yUwnnt3hM72RRdFX3(tj6Dr6;jTvJtRmSefNNHHHlz9p)~_=IapbQv-!8%C{i#eiSvv|Sj4wP|{Zwa;@s7qrQK8s~1Zj>77G"
    "=_%)kZL-Z%j%w#PcTBsDdXwVxtKg^?c8EH9+svcCrVfwNoQE#P_S=PDh|5_{ad9S%#Z2nZdH7wLz6eISI7A<@LE{t(7$;-AJ"
    "hG_i&=iC`p$%fGJfj}|8E4@+pW@A#)NAR0)NkFjo~bGY$MF!wsw1opK|6R7oeEGYA7UZtyoK*$X^xJOQ>vvbLyK1ZD+Etb8d"
    "K{HRz#iW@&g)-{w6xlM1b89s*|=QctHlwQgx=6;wd}NG_(8om#j{*+1_T9Za1n@-NR+1@p70MPP|BIv=ZONHikW$Omv-63tN"
    "jkdWCx9W6Bsx0?aqi4_SzLB4{0ci&+@^4|SpDuVD6=+IHyKwYym(!xY3Y0Bhv45Y@`jTj>@{K`9!RkiD~Gkc;kG3h`fuRAG8"
    "iZo^VKP8G8AU5s|EK-5|cEkVeBVHlc+p;rBrWr$1uiUxOt@qi}?Z*S+6Mp@WH@%7v5ZGvAGdi&{VP54dA`MaIIbL=mKMzsG4"
    "+@+UPZ-Ty8U-yOLKJ3r2`ro3faPBdmW<wPgZr^b$G&}gsgJ0i4u}gVGjrCKR{MMt3(`M=4VbVreX=U@St&%g)-)ROmDybm01"
    "l@Dctl+-r>|yejIz5LHYQBeIaojcZ%@<8WkE=}AGswNgcCh)zwu-t&Jyv1LGqIAMb2yqo@%m$PSUL?#P)%3pET*Q2IK-Sp;s"
    "zKNF@_lK;ZPShfN`(^6_A(TkXjm=2e$^<f>kS9C!Ycecq=3C!og<3EVPmzWPHF+?8Y`KQ2Ku-@7{yXvQYGhO4fUVfP`PjlIj"
    "*8VIFb}{sj#GaSe(^n;Eo66wy@?v6$Y`D~j(iOF(ZXx;bb!YqWzJ?NH5tQm5Tv5l&9aRbmSebxBygoT+mQ!w&;F@W^NSuY<R"
    "IR(>wV77=<?NiKm#H7#ec9A^BE?eGmt!3B(cCG8f$?+I?nEW{SDO{}DNAA>3kGs>bSb#Ft(uNH@Cv{k*Ko5^TDI1CLfL|nAF"
    "R~q(;1JH3khylJAP=uK5y3amzW=Xxe7i2hv+@JwEUpT(>Xto`e#>-U~aG197_{Hcnv;QDpF&Cy_dNZR!;dzVRW3ZX$S6V_dk"
    "&xtG&!v{tDj#;moasA!mA32YFnS$jnRtgd)kk=ol`jzN+<L_5`N-qQUw|kt%W1xSQ+bf4I4%+T4!vH87pN2koX!j6Wz1w@_L"
    "(#xb}?G?RA~=vGudcFvi}9Lj@$?BOJW9})~TN1*d75xdzNzcd4Z5Vh14mg^#Rh*eJW0Jtm!p)F8ice+ePr#YQBT&rzw4Jlir"
    "xVAvx4(X!kYhQ|LAu@%DSMK(t+?F`G22X+$1^JUk!cG$Z9VY-TvAf|=$V;mZW}0yE@$Sm~E>{InXSnTkg9MDvR{L6ulb8<@u"
    "i77L@*m^^%xZN1J`ipN&`ZRGTg+P3d#@Dx8p@A;yd2}Crou<1O+G)XV=4U2}i&K8)hf#(+ZeixJTAZ+WfYGn9!>a&N7YLJ0%"
    "Vi5;0t(e0w+=~Iz>TB2Fih4C~&a{9PsXAH@g>+O!CYF(UP)|Fb-4t(=xCcMvVXUJD_eBMp!+LIq#9L^46Q{W^mm;g~PX?Ps9"
    "p@=*{0<|d=hKj0#qhQ`%H!2~IhT4ZIu{}&XqoCEB4%THJG%irIjwb$Uj+9ua!iLw$O3e$ze7wNUy1=)Xxyqu?j?)6a>6&X`}"
    "?d|p^EXI1(~SX(QqMzT?>QQBZ&1m1djt^`ZBeBm%-!nkw^X(YvCG@hsMwGQzSR3;f84Kpyhq8&Uj3&a71h#p=UOSR`6HRv!s"
    "J-C%Z#r7-M}L9nau4S`VHl2D&{*;#0Yixobbv<r?i5sF&~zYL_6+K85Q3;vyH}rEH!X;c=TcHSr$VKIh%&Uj~kCYNw_@(6aG"
    "cxr?+r^;{_Hr*RvSeF>G5sc9>%dKy`HE&qBh2AVjVI~BrcGaAG!<0{W%61&c^$kx_5XcL?>F-P7(QWhq2)c%F`oKoeab!57f"
    "yJgy2co{9FfE+Hq#~g%pT`7J*{X$XqTaWlFaA6Tn!$9Mpd>j$C`INyfE^D9;K8Q*RTOm$ByPU!{GGJ;n?VZjlvx7-rW#ZXDc"
    "LgHuQY*Uw^$n+77h3g7A#xbJ=ZZDV0t`1Ej!T(s9`o~?g&igr-CO8*j05-#I!kM5glOviRCdgR#eQM55h1fNvP?FfA=W^yz}"
    "PV>*U5jwAIUv>3oYVy(f$$l4J#VmS%SCfteMP;Q?=IeiHzFX>3>70c?NA!I?gA<FLVlh<t1^Ho$WJp=^V>!5rZTL%`HsBjf="
    "1oR#~iDKFu_e3x&-ZpmE*beP&ZG^B3Z~`Cr2fY+_kj1jCuEC3SxVSObSr<cZO5*xb+Zzurhy<d~qq)nYYUz}VxYXPu#XEp{V"
    "ac+6(u+CsC)%%%vg(>mTm+ZUMhi5kp@e{wYg#(UhB5tqqG>yXlVu2Ld4inh%<h4_5n0Bu$!MaNCh%%hDgz=J(K3@j`n>{}&8"
    "bxt1LtYaR1VDhwI!a^`kltDNC0DHI+q+N<<RDTO4m^aPAh_2U3ZWFbt76tH4V>~ZbPI5!K3@M>Y(9t|9w2#pbMwLv}SmWP_y"
    "2}ZZA?qzdTddS*bwyf*W<lMfN*v(=>dq9qXu8pA(dYs#gUbmeIBp57%3$tUFBhYZ3g=)sU$i_gOzx3NRSN4LNX2_;=qmnh)#"
    "x;s$o#_t_rm53wfs$bF_HDxlZ!g8zO3dL++-1&nR?ArK5>z5V&EdS+!T7i(9<kIYbL_$04YYlvsKqQ?7?+!2d~HA<a=ULi&f"
    "$^{e#4H!msfhIGWu;*adR0=W!Wfj$VtH2AT%)x6<Vs;hl$e&F-PI=2mjukKyJOaE;mx(={nNO3ycNUr5oW`MAjf<Jd0o2cjn"
    "G-J^7xbRG++0C&)Kr)DWL&A{6vt2po-MW0**Y35;_`WhK56JBbYZzTNU3q>lvaVR~9Yc!ua{$>^`hhtDRme7!SkonZ-vhaIB"
    "8$~I(TDZ|1bamk!3>n$obG0m_iRZ|@iVk9rxW}E@sRCnEr<k7Zz}G*QQ>fupmc=%6@JSWeMC*Fp$64z{PzI^*(<&u;)ER_E`"
    "K4erbe&EpX4-dQqHo(i;=N+2yRVKqUeZWLeAf&yA8#pX3F3Cr4tOo$`?T?Uz+UnS9nK@7mqUvTblC{C{TiI-o~Zwwru7|OE0"
    "*y6L|T^1PZZd&-%cu_Cv*}ANHZ6Ap?brXaR%;tG2YU$gGH^foqlQ<w2J&p-aQYg407dB?4Vp)!{Fm@)4;65YkZ+GO^bzfrxi"
    "FUs}T^8%Hx(I&Fu7Z*$W$HP@6NN?su!_=#)&3V$3auPTQgOIT*Q&)7lrjr_R}|M{ydNNFE<x9WtV`R{>(DclZaRXYs96(LH4"
    "iRGqArsL#_%u|UZ{|9rY7qHi)TNsBS{*JHEzj&`@$zuOL*E9SFcSgR*~qr*%^YgrVLC9qy*r0A3*qLAIGoDF}qJb@d^9K?lR"
    "6ibD*dOwSq^KDUuGWsj*HEcR$A=ISZQa+ih<^SE$SwK~_by0ZCwfDJ~l<txaNdZwQ5ivkT0TpcJ*<yE+DhOgAQi6ru1vbXBy"
    "Y<=K-TANkk2l_X4&mN&&faUy`OS0B-uF9pim4yPI##;027i&m;OW*cq^Wtlc_vn9k~r&R4jz%O>(C=85+<9;ehD?PILuWwc^"
    "22p4>}@xi))k?Z@7cAcDoG}Zr$B#FIF?n{8r)~i6Oe(_u~VWDG?_ap*TK0#T||dnx}h{MjVsT^N=BWKf(t3LzR@pK)0E-r+v"
    "f~rD=x~piAtZ-JYu!^G{}=L-b-6vk|MP(N5ubkj^98aVB3i`Fc($;`86ZjPaZQ9WbnvEydL?^bjsVwpoCs7@E)Rc^Z*vL3LE"
    "e$BtG<<e`mbji%0jihB`^bI|Ft=yH$g<fb?zmVv`yPtC{Pw2K>PF{a$&0}qRSAooDIMM<i}K)0>X8mIRTu`Rmv2%ay_;3+o<"
    "P2G(lr%5}^t6LE+ihmNGk&XQsL_b%WJdzhVglDs%YI6EO>nJ-`=L|AEpjnL=vzs-wT$~kTWsrsNp|RI7a36F}Q8An7QyQ+)>"
    "ac?Uq}gXj{{SNg2P&II;x9V-?&E;eWDi2Gf|44zX`Wa)P5pxY3S)cUZtvL?`n0-EeKtZnUDPShsi~#sT5g|+Cpej@r*{+TOQ"
    "c<d2dWb^l2&u*+$T57`7ljK%1l}Xqn-<BXesmQ9X7<S`IIAm@yYbSF&e6L`o*yzEyiP19%<PQc%d|E-Co`H5c@{-FP^?Up0~"
    "t#a^hOlQTwqS+v%s?SN+FsI=*4A=lBa7LzDQXy|ujGVQ}bUQH<$x$nA|fc~X3_*nr#OHBXC`W=X_5L=T9J8(ye%$Y7B=PSf>"
    "I(clv_<Ph`W9A@Jz$`pO>QW+fMYG}C8eQ?Kn2YYGt%i)XMETm4vI`m3OJ%petVS1Olzxh(yEj$mvc^iJ>yK;xof2(L%hcyUY"
    "$r;Y6(^1rrP4IWI7j#Bi%tI0SWpkH~FH-akF}RLrPVLw%EXiR~^Ago-QorQv6+DwdJLGX{6cfEqFb=i(iCpq*_fi@@Rh-yT3"
    "K48>xf+!W#a$+DhII`tV}#{F@@SC|@Ea5K`i$L88>Cq_0&h!$Rd|kVurVnmPuqqEWq1xwDR!1s!hQ)e&mMl0rJSKWCZxvg<("
    "96%TF%Q&8*e9{T#(g6j@?=0^O<GIDK>G~NqJqmIv?XpxPgflS_SA@srtcE;?(k}JSDVZi|~fEUuzwA`7u?S;RnUdEcvf~ruy"
    "H+bHS^-|E%}dzR0Q6_Oja-t(SV|^p1;nQP=Y1J?T>?ViJDPpybyub~s536m64BNS(=jn-5bv&w!iUU0<<Bgj8Y7v?A(J#(bP"
    "Ki^pkr&{Huv>ILF;X2bsr{Zyx%rqO8|SUM_Hg(7XQj4B}awTP*~6su==pe&<)@s_Dwqo2}2Et>d=N6or(w>Q!#a)q!At0lLX"
    "%j9<(0mYOf*{aqG15+cn4dfO#8(loEqVJ@C5n|ccs!av_w7$VV0|$^$juErbui*&K;WqYJcqT2<(eNDJGu20Q_(%y|G@l;3x"
    "BD!X!utb#p@vl)r#s4nqG8WD&^7Z&`-sG4aE{$BX5po1yOUl)yE&;%m8gdKWEkMuSnn6i7Gev>z6PDfv^$PfH0?2>Jf@VQC#"
    "R_mWH_7CXmjnpVy>7iZ2SGBV>CyrfOaSqm?iI{$6Uo^8(Gz1k0Qboc8N|;bXJRCdu!`e;;*`l%U8Qa4ZYOzur*3Y{WWBzKRF"
    "ZbpSc%K;jn0F-eD8;5(9t1{RGeKF80X1Y{p%#sm{@DuJc{^7p>Zv1dgmmWHJB#cHCq;^}9hW+%sfT7j2(r`zZ(hr)0=NS<Kp"
    "f7JJ1VF5c87%=_su9`zp1hs9WN6vhMWnw4eg6(G#zHu@SmOwo=;%zL(+YPkyrp$_nH+D9K@T8VzOurW)?RjQD-iz9H)tJKA}"
    "yOC`%>>DPWqsc8w<xX*%+C;YSaQD6`QX0>YyU5pJ=zRJnT2>-tKZ2%IK{ezEPs6l(;sQoZsgmLnregv5wydGCw#q8h6A6dle"
    "Sp5HIZOQ@vtDj_<mUSg17|8N>i3&Cu>T3+7(X^$%oHQP!rybU;ovJA??<Psmxi^Z$)Igb9+Ay5=Ez_8z~R7Uflx{jp?S`=k~"
    "re@N$Ju5BYMoklxAH`UsLnzI80UKbdV`Jab(YQM26b?m*NUuNR#oaSlj%{;cNF2sk7iG3t`{;xp3bt+7-int<n?@yAe-1*JP"
    "SYHUq;-_N)T5E0hmlALDIO#nkBYjj3)M`31H310%zqG_jXU=eX&!*_Ovtp<y~SJ6D8Jp9OS?-Ru(UR;^GRc8Ut}vox$g<bGu"
    "tBUrL7@@N^0g<;3G&$TwG<OY<Am!g(6GZQTji@S_B8R*=v*&<|8kFNC=QZBYDsZqu9D2DqCSc)dg$hHve7RlvIt4&*cW|p6c"
    "S~Pz}7iH(|EEr$-h0masPVPh1w}o*b4`U7`sy4&2fU5<AmLN;iJBNB%n38%ItyTzXvqu>79QW9qt~a<@DT4gWhlOsDtu8?+Q"
    "O1mz51pfA+BsIsb##M;V8EDijbw@VEuCv=bo&B4Cc9cxFf~-lfm@JG&8~4C>*ty90+*<MC88F?*`v``_#csLD70;@%6|q%EF"
    "vYL=~7I;MvLf;SdU(Hz+?DlQ8{^Rg4*;n+`Y~sUwlQqIUKA$z~hM+EnbO-@;wI>(R@<VOa`A<ct{PkjULb=T1jDU=NOqQs7$"
    "%V-PA_)FXd9N#9SJFip}}E(&Ue_U+I4nsdw2>$NY!+RIC_!cG*RT=$}0}EtYV(Un2Et{1Y6h^Gt@%g>NxUtU?)Lf5E}Y<rM8"
    "B^ULINmF6&KxS8}SL@9I61te$EQ-QXgW$>$})iOe^L5m#G^)8fGqVGoZK8pIMk)qkbLVpt%cRqFNrg@~%@+c?BxiTqv7aC1<"
    "eT^Y=Wn8$<Sr{am!moo%3B9I`n3%(v@+G<+!4^TCl4o=Eh3wF5eqpElr5<{QZC6O=u}_dtfz}7vRa>`z2IC7DUo7-T8;yC-v"
    "SL1}@f2&FZ=_1h!X)#95NR1)o2NxkxT)#}dQPo|fl1#MTs=$C@3mZuyJFl;L|?;v;ZsCDMuE1z1(=jc2Sn5~-Irwa36s0DcF"
    "oPy(`l#N$898Sg^}W?eOC%P1D7i}BOb|k=Uh0OYc(5Nhe~0bw1?(WmG~(fa(Eh6u=}Qq0`$(K_GUUIVgX|Bi464mC0zEhNnP"
    "O|+l+S_@XuC-N?@FjDPl)yjV#wPx{OxAE9nI-z_f-}siQ}g+$vN}+FWACeF2BhRDUlli+E7ClGa1CTLPm=&HKBQqs1aPpTiM"
    "$v1Vh-g#LgRRI9GxfGz_nDe+%CWElx-Fl;5&%SQZaKKbven`m)MZWC2hie{Rd9}{MYTgt@6Xf|aDhn#M<YowgX%KSnM%7)c-"
    "5m><*@qupA5At<e0ImA9;sh2`qF##`e6DX`?$=G*`5u<Qe5Yz^mRfnH%x8q3L7f7p?ZJBag^rNUOHm^x#_!NPBvKAntDD02G"
    "HDDo;T1CFxF1UJfE`5cSLrb(??>~eD5BOS^c7E)TzNuF@HF`62oI~tCm0P~!!ECDunSsMqE4lu5yh}d2@Z>^VrB8%f-BT;q0"
    "EGmhbOE9*Z4%{sm>@}x*~BaUaG#ri4igKJSQ7xEsp^`jV#RuRj}pua>>W23HPY;3(YDqrEi*En4j5M*p7aOX7TgTE*JeT?v!"
    "iB{oRO-Ixi#M-I5VA#SFTF2~)gcViL1d)<0-7X~4D;>htP6Q41>6I!mdqg=?b|U^g=GV%{^U#9LU+#v_(B&rD^sp1)S>kRLE"
    "vPRm6$I83>3fUDPj=+37I{U>m}PPb`b0T~{Kr^{RpE@n$q+32!dvoi<J-k^P&Ro_y%K|a5*O@1Kr<bWk;=dAk`c6rik9m|7@"
    "dp9i(MXs5w=@l?YN9#HfhJ`$`7-E&h=KK_$k75;Mp4g0jJ|lgqDMA;WTOAQP7cte&_5zxRgidqar+OxK%BTd3PSxnT1j-_jD"
    "Z88#cH6~v;q?oB?@=SY{rsldtC)XJ(m$>vH;60fICXIIzFm$&1Q_h2o$@dG2K^?LIuAArh|Q@`_<Y1|BFDw#n1dnWpB>VxPA"
    "o)yqZ?!#r*6|}7D8Vu4j~uiT1tMzr{68&vhZ4uMkRDvP6?lZrSwR-PSgAjlTRIUXt!=L7wLg^gF~<hHAyPx!mQ-k|I3AVT-D"
    "y^DLjoU$>thosU=F#c8ng}Yc*_Fa@yKRJNdtJ;j|6|dv{GIgW!XTXD+T{*x;E6KB{?|s8swXlGfAoZDJ-ZhwmPw_MRi!Irqq"
    ">rWw@J*3f+oEOv>-B=a)#{)lcNGkLh3j*0hVzl)*Iekn7#>rWo*ucC_Mh)$u5>pd5vs^mfuVr{XXJK`(d;__AP!C{mukD+6x"
    "zX&oP;o0n^H9Sps1;;vX&&fZ<wA(n2657u)X1EbMS?BIZH@hI6VROaQiQ3chVSOC!_YtGSZei;iPylO-HYJ*`2)K&|8PMq%#"
    "xP4^F^A+v5#PU##Bz9KAuzs%xK+{QIc5w0Lhj3`cicPd1XGtNZrL~{dY%{MO!a>lrN6=L1(&&H%f4S=oao+SDT{^OF_wq7u>"
    "ZjNR*Uv0u~4M^lSTD?CYl%Ef%Y45movWLnde|dC1mBe25!G8$fDjd&CMw>16@>#)f`HCB4?wCTeAbCa{?WfVe||op_nJ<0Kc"
    "iS5+{VNf65mO)(me_K8ta~35r*}LbP1O^YVf=OM9*jgBOT=&#g2IQImGb1&H>bq1IFN=kZ@;(E{-qr#QrJA<deXEYaziynu8"
    "%#(LmB=m)A4vmClkzQ?(G7qBVz&p`WJzUb{R(+wLsOTNZv-9*zy4cFltcjGf^(7wLT43_>pT%?rH{bItP9q_%+{frHqrSoXw"
    "nBKm*Vu7+&I0uJl*Pn||;xx5gMxJ}&y$8+L;G^)LY~KD(hF%dLNGuYS<llG!Us&98=<bK*GC8rwcMOkRPL<TF9Rl3P8|Kq<Y"
    "$B&xa*uUvqIv{}F<U7}^U>!gKIS}>$O8=B8--WIZ-k$x`4krsO$~R$<ttp0KWHt2ONF8eJqF8$I%Q(~M=m}88i;MEX3V(FVt"
    "NDdTVQbj=6}Qm`j=X3c5-Rc@`k#39l|>He@yZl|5`JH%Lq0~rz(sev`mb$GOOU!tzRH>B^8oK^e!%BvQKurOJ^ApAFFnXAId"
    "P*BKU8Ee>HB)O4P_X@&~zUEr3ZnSMYq)p+TH+isg9SwcK}$APyp388i70#qK8V?h^3~&WBVsz0cvN(0tfiMq{9NldJ!l^z?P"
    "tN#0IPud(BWP4l=+MLZUx)<X82FWNZuFO<fv(Ve<i(-T@sXT>~@6}3p=TKG?TkMr_S;)Wf@Ieg}v|5TVfqc7+;AI;B+mIE3s"
    "!BJt|Wd^0?!>bT>GqD>P6xX@i0$3iVr!=1(T{XByG@gkjhyG7%82Xi2^(bP0P|87!8PLmgnxXzebfr0>jI)f_#Kkh`HJ_eIs"
    "^;lJn`srATjX5Y7h!As5}KQ7y1BF;;rW!uj5Y&q(|Yti%2z(}1LwK<+&43k>g97xIh(1M2b2FOe!X<e#ZO%=oz4UHsXtR54Z"
    "9)qrXGWteY4i3YWL<sf4z7^>!=2sm1lhVftm#lZ;>tXxE-ab_P{&pd77`ysHO8_HJ;I3j+EIH@DSFU$n7xw%O^e9+BU43&u{"
    "}&VcVg98>h*3J2bn6BqnDe^aXx%Lp>(_E)#E}gJ$(oH5u08k@$dmz7LThOrjg<HCBg7J<n2Eg?dLs(h>w8M*p#WO-x=vLvvM"
    "lBOk&dn6)optB6|xhUit)dgL=wmxuuuNpDycjax0&i{ogqP4nzR4bGC?8nWoFPt&ifX3!2eHnp)>O3y?wX~N7J>=1rUf5P=7"
    ">%UeJPKuPFW{1gOCxVKh-@>m3Et)(d?>0eO@JuvZta&IVvI^_e{p)M)|2?N&G)ufxdb>FfF2!OD`b9q9@j)4N38Pv(g=*p%O"
    "w%`c%@%r<l55FD&oozco!dBOHob<7xW$pS^C@wjmZC2k$9&<($)t5DHYt6-68rKs=IYJjt=P?GPp3$i6Urk@SPIo;`i@`fl-"
    "^Bl!0`q%bG=_;F9paPF<SkcouNPs^gl*VM8GQ?O_!Q|e={7OXg_cEQGFz2Zy{ZDzrRFw_G~jtDD^AIy8C?2)+I21rIh{uk*_"
    "OifA3y%ctS_EOtVXHw7i0ZF+HD=Q6)|&H@F7%blsb%x@)I)F&z3Isb-VC?h9R`i&)6hvqP%>id(|!4cU4Apyk}Njjq9F1|vf"
    "TH;c({IE>ALTgMR&i#cx}rN*uIV-_6}^-kgfY30#IG1+Jl>aS(d7<m|-LcCv6(;ji{wZ}!zP$tw-{15JzW~JgLNN+PG%|+W<"
    "OxVgslmly@w1gG`&RaxEoNr{kHL{DbneTgL=wcqPJh6j@+HWJLS(KPGwuXt=BxMt8_)7N0_oS;GQ9$=3=Sjp*T>%eQi{*$2b"
    "Ue>htmfn{#?+9GtM5g2+C@A@;XgHNiu4zAt=G>LuMj`kxR_M)@Ef6BBj2*t-bT<q@f~BvOu9$gNb?lO7qa@Gxo;X#Es|DAO)"
    "i}ydNo{5gU(`!I4;tvIryGp`n1TSa`@!YRm>AhIYMQ@rD4AuirRx~SSf}VqP_hEGVM9(3>vLshxMzXrgjGLJ~sPk*a9Kup^1"
    "aeTMkl<A5*JzxgC+&bQaS#(P?s<&vIq+kggF8Pf4426#Frp+o!=y?4fR(DV;<HHK=2C8L)|z4e+`PPd(ov+4&lJ<l-sqW)=K"
    "}K_gb6-YSZ$6n!=$)ZXd|&C1k^S|CD-Rri(HB2xdvaS`-RrPJvlr7ja^+4~NYX2D2~2<Y522PKMqQ{9JRHk;K+>RW?p$>*51"
    "jtG~<+Mj9k9jc>dZ!s<t#^(1#5!`Lv<HvlXb_cogy$jK6I}1e-65fa!mg4><(!%Tv4L%I7fZmU}g92i=qf5)Be8>f``_2<LO"
    "SALoJerR`V!z1Z$tgxm>xNU0K=&=SD+lPK%Cl?Ge%8zk@}G_K99Hsan`pO`eCp3vDiQgPqGqAxJkDex>97n+o+s9G_1e$|^g"
    "2P8z$KjYM|dnzo^uz@L%?~Vr(<r!*ZP2~<fhc=+}>C$;NzD`t2>z1o;_rY-Oz?pXLDjNM6Iaee!ndiVN74Wxwua&5UizS!m5"
    "G?FsfU+^w^Ba7exhS@MVl{7w=)-q8vZT^{*VZ0~xaGLU!GRpexWXW`HiixB;1HRtNPROzvc<j69EZXx^pIuxe-*(DX&JjL$o"
    "A+6CMaQ$Naj?tb5edN0GscYF~!T=DbSBqkryC_XeR2`4tW3({FZA$k0>S6mSq*7W!Q`}Xn?HJZo3VP$J-`v$vZk#dg5Z8fR7"
    "dL4(qXM$!UFpmPP$k3a?eRUbPu#&X*l6L5I+2k+NopFqN5JT2`*+iduOgN4?T0MM*oD+c_nok?oV1Y=-<aCsxLFy-Ab_i+XH"
    "dBrGLM3ua+Y4xrE^ffPgbS+IO&YcoUA8Mb(R=~tH4o#SbD_RP%3>sFZ^25L+A0^%W#gpS1;Xl{c+4WR2)EU;U#Er{xFk<wk?"
    "87$2Ajnqmf!AP7Oyb*u-1BPmmgu)r_(BqraIlM4`Ge!0@YH)XIf2hZ_qxnWi{2%2Za?od3do{fxn`+;~M@A|LB`+3TuRB-I!"
    "Z!lf-N>sth6F>lK3^=(L-i^S<7BIxI~Wi)JS=>_428&f06xCJWw82ka9UsSwsvL%+e7Gf#9b`&3_%=2#3}uL%@?7x&0$2F*f"
    "?gsY?<kVCV{`vPYUVUnh<gW+EG_n;eOYnU8(SNu@@#pE9tXK{@@W}xeJoa7oAzeaGcwtb9<vxwUXt=mveFzQ^O8kVa9aTdYb"
    "lnMEa@rE5YqI>5-&YRJE2izyUB+qUZ_c=p|D^$l~brbp*<vZwGhi0HdA?o{E+8t!TxR3UlU8h1{$~oNPQ`eE{OOy+kO<5%KD"
    "Lq3kU+FWKibdaCYWAJ9wqbz`|Dip;P$bvDtEs{C{nT>GQwD>D{Lefs%@c^5DJA$Fq7Mq4s~pa3YB2CU+?HU%Crl0r%xCDBh2"
    "_d^6tHS6(jEotcAGHBwUiPZoj$<UvHMC|4W;LIDiASs@+2CR(+tt}5t?V9OtqJr;;HbyrV&*x<abQ(yU@3Bq3~2yBb$4NmBM"
    "xx=LVg{WVr?YTi~;qV_uBc6+V-bv`^J=Il4C7C$#dlHmjV!)AVeSsuh>RhWrZ#<>=#djMUXQPu3@hulJkO);vhkp{f01Vi+!"
    "l@uYoh40q9{bqlLtlL8j0O8O_MR5tCau2&$Qp#C-zt(+EuCXEQJe+xE;l+?rcLk*rWw;FUE{shSv#4+SytHM`*j%NlPr%$>k"
    "oij*}-Ob0foHebhH22v|Wu&tOvCW4ztE8h8T*%kfb3F@G4!pNg)6J-ownKwVzHzahM0}&S4B^|!^c;O>sVS8^sF#D<#l<E@v"
    "ub}AQupxRmXWr~)%F~{z-vDAQdKpDm$RN)U8dV?fF}3J_`7&XT}<cGG`%5BMy}KB^vy3@L_>RKz|w0w8u*8f`za@mD#0dMuS"
    "MMPnX*XhM~57zc~+T*E3N-(9T>MG`heE;glFaQmxy(Ff%rL?!-v}?ccAqw>{id9bTnzCZy2T<(DtD?Nh#SFoX}6T3;w+i^GI"
    "9}Qx}U_JPo(#FwEbOgJ#>{>F0!@k6TZ-$7DSh%h>)04V^ZR#iC2fMzpFVCv-c2*r|!*EruqYL^-_?^AXteG6Lr@@mv*|(5ux"
    "v3HV;KCR?*$aUT-AruhV{#DHVCC|6)P{e_214MjOFRgY^XzLDByHN*zFLG_oK2VbMP7<P%sx?32F%Nz(l`JLu4EiXnycfDgW"
    "&O~KafGJzy^ayuJTYKnT<sCjUALXN0gi|dHjXRARI7iN>ZMZ9UvvGU=q)A6uX`Q~2j?W6E6#kDmtjDB%qbQ?t)lb@q3fTX}E"
    "!nSIo8;B#+|Yp=1fl1_k+=v`^}5W2=9v!N#E9MaS3V&BN%p^$Nu#4zG9wSPDdQ>Axk_b7sNZ-g!al06kx?D0gv0oeQ}>hgdw"
    "GK{a<98T#?YCZvW66)QMEExX}S_?Y3gc>4{B-LJ+Kf<RktZA!c+B%PKaGfu~@?=wGzu{w`vK(i_yvN5e08Un~^>H9YNFR|HK"
    "z11NGBk*XJBH4ZV&LgVymu()2ZZhXpQ`>7re0?_QA$)Ab6Jk2oY_YgmW2>upmVLSO}+vujOmStM99)SJ*Q_=;>(Kux#E5ArZ"
    "$bOpYXr;l!^XmMU7WNNky!G3aG37Z)EPZWYv;<d`A&rNpaa4nvkI++^byhD!dv=-3|&?stflI=WLYq>9`D;lmi$Zxn#w)_vB"
    "`kFOYt%s4el0%P_CS7leZ*ba)Oj;>VaeltRWwKcLEIK@a&K#O2Tzg!=A6S@fCHoyHmWwIoh~(JZa|146ofx@PWU%39t6SyKW"
    "qP8yd-9e(E1_i~e#90C-Q=N9De*Bz7_TMM9Y`~Bca3=uqkA|f(xoxwFk)7T33X6)*FDLFdXf6*=8IknxX%se@QmLT;RbWzy%"
    "BmAvW~&>D|Gy?<2V<yu4P)5(t0y@${J3|Pbgc~O8b#JSh#dD*f6Z$k#8`QqtHBAsC`u^#<W><_#zIIJGIh0=df4$r(L04=(r"
    "PC#8nJ8wRfoC1D+)FO8BkQoRsF<CJV@MA*Oy2X<{>8Gswzi;(_SquB$F%<$f%dW0Pi0a)zqg*p?@h8hR<>Gx!HyTUg+dyA5g"
    "U;Ph5Bo-I~L@2%;2(f=$&(_p&=4C`tAdvy4Z)}zfvxHPg{g6T!nzl^7I)BiUve1xl%R158Nr1>@I|3oxvX!?%l#H0`{ZOY|B"
    "q@Lr9W>6xmJ@VmkQKZv9+9lju6L-^?1893tHH+n8rVPG9hHq$!MUr(1vZ&_(w<{Rz@Q21U_20lpC>6{bR;SQ^6~|)dW17riv"
    "Ql&V=nx0fg*2uB+eEo$y)L{%A_I!?o`0~GPT>LBM*M-JyN5~J&x}=bsX+lX$rqinu~FFCAEU4lLDL712(erNZv&Ssj>2BHe="
    "%$;jxo3HlfI^{=ZYmT9__N0+d3EN6j#U*Eb<4nVrWS%!(7qPnFSNt9ef%-z{tz!w?h~#02lWs7J9w=;ui~KT0VupQYP%iDe~"
    "pn*$$JmQ2SNX&N%v^>|(2>s`rLws2(F}HmyRhy@>8nD=HAL**WO8W}m=vaUWXFx#+hF9mkvOgX1xEZ>N=L?YLU}rRB1ePD5u"
    "6Dxm>z=j1BQGmu#nmxmaq)8ZSS{X+~t!dWVEBPLtuws!73hr;ixw&N00NJsqxg0thlT&a4nFXA#~!MY?@(10%AIoMUg^$Ewc"
    "r=;UFJyT3JJWZ~hN>M>tfa_%2J$#L=CdWCf!jMJ@Jr2@EDk0AbY5LE5m3`Mk-~c^#Cc;JE#>W{*MC%ZXbF@aNK9S>Y8mHL;b"
    "<A2ZcJKqF+TRu^Va8873Xjk-PTiJvz4j|Jsi(mLF;@h+PEYn?Oh3uNdarVdF34?&sYKfoFrCz3As4w{yUWT+l(LGh;TeC4Gn"
    "~bTTQ|CiI+{=6TJ;x0(VjjBV?ArBN^KMOgC^=cC(Y{IDu}%>JSip|C!3VS{{7R%;FP7pex__-uYXtguY%WlGVlDJlUpHj7=C"
    "n5;V}hdP`Y@Fx1ulE#rj>Og*1b<AWpTM8m&Z)%!I{za=Qidl}h9LjCX(Fy$$!2dz_%^sUysMGgz&@!>U%93yX;1OBvca{zj("
    "~YWtSXQ26v+n)NKYyD67_^QZ6%)2W1GSf{J7Ux#|a^$lhSnZdJM#2VrHQ&^sZjYGQ)+)B^k8Z`dATC<Mfg>dwrdY$_`mjzO%"
    "f*Ne0$Ffri5>CL|ZlLXE*e;^2>}ckB!cTcgYp|ELBOz)&%awUGS^vfo*sW3q&w@ixoX0y3Ro%Uw(y%I6_w9v{%Z$mF>4@w#!"
    "EnMhXnn!Rm{imKEMIHr0tbe^ma|l!FjwlO1q5`N!>^qwbhFVf!6qH&#ia1iFh7HOi|GbJTLsKUkC>0*3mlv7M||t@T$yS6+~"
    "SFPoAG^}!}=@g9o2n5>bUcTezWvuHo0m&+o)`|9GR!|bj(EK0o~J?oSH0xaiTTOV7{t=6x9}`2B%f#W6#iUv4MV~OYa%@BBK"
    "WW%i7yL;4d7$ii5({s+1nl0%|-P-q%D4RDHD@c+L}rr1^fM__lc%wh@D@KhrH}R$gDhwAL2ZPdWE67Fn-=RZ{PA_}K5~I=m#"
    "NibEWU&1S(TJfXqVRf_ZQS=dKmJnY9cJJ%R@O}oHv;5LH`_cHAiXPB!N(jCTZ(?KJ&9n+a8|0#j~Vk)Hy*58@bqh1-ZrPq1H"
    "nmfP5q?A5qDL!=43Ar58$Isy?bCQz%?olz?R<ZJFrR0#ia#gr&$90w(Y!`_=sxdS}Nf$kD@nkGQy?H2;t6`&k0494mFgc5a="
    "qi~`ZcnM_5MugJ<zThy5%pXKk0CJ&sdLLV)zAqqBK}{y$FxDbR9zH5<adPVx;GnmiS@nRWvVy64k7IMM^L}bA1V|+wMeMsO0"
    "=9MXX7?a&!Z*uA9TWY&{ygd@LuuMiL;-y8%~EQo&E^xEVy)Yacn!9)m>geJ(p=O5gzi0@yK)|>(vbLSXflUEUHhsN^>W?)fp"
    "}|r(bA!g9dvSvKV{C>=3i$5;#ZdtRnYv?ydK**@S;Y0i>2;|G$_;E&5k;b?%v|R|GxtdC(l3^Ds62BYbvZ%6Vl2f{XA?_AnW"
    "jco(L-sJq!gG!C1H<ke!(WlZoI+o<*Q2UN%5x}DW}ET%o=oAgd>r6;nQ-q1HZmMN>nW#u*r+b_Z<D#Wl_ZljScIytUo5-6g8"
    "o4CTWd_$baW1g0Tgj^WxR1GO(Z*6k`Za$hFMRboc)I37#A{MIx3hU^nW1xQ-{z90A*-i0vv^97Dy>)QjgcnMZ`F@;cJQ=eA1"
    "6T$VmZRP}9KbH&Y~WY_2A!8|dqW!^k|mtsQLoi=(V~51vd?bz(jAPh`?*ds_|LZP`Y*|4r-&<*x3E>^Rlu4T_8K)5`-9#pB`"
    "opXXTU6V*r0Fx-ea>kGwq_yw2oqfx-Z2>*_gxN9(jkFe`dm|P-pT5|He}m<3-f%m1ZNdER-X3Hmq~dy5DE5sSXFJ**bd1k}~"
    "`<>}4r}DiC%BD}-Xx!sQB5LKbnTQ(aZE<y~mUbePnj^;W(NuUN0mWNY5bcLRf3=sYn?bj!im#S~a6EzKtXVK_K~$SexVkSp<"
    "@QqBc_QhcSjGHQ8;zL4Puc$Uk+uW;`cH98ZU6q&BH{+zBCYjhB{9-U_*OR=&lMazI2@}L}9g~w{sJBZ}Sk(TJX9W7#>s}?G4"
    "a-qGMFXajy!8LqBTJ)&JWH9}xh~0>&9L@53=Y>=)ebw}r?yybYrg4X%s!?o=-*U+Lg|y@f8bfH5t-0O0N%&ffJwT<%q5AP|Y"
    "eX69WS<gDyo9D-mE>U)bkD;>IV@m#0HK?OdrN=!lrZmG?7;)8#bO+gqxXx8aGK1Z(&;CL#Yv@qxXUXH9AjDkJ2p@@<Hjh{{?"
    "^fkFEJOv?iPO-RuXK+*)2u;CpfCuujM4A%28sY(pa@(c42rGB{mB!Lalg)j?ovT{(z%=X6*|&xV<910q$OF1RcZ~8ai?tZqj"
    "hA4`|`Hgv-aP+cjuu_3qlLm5FDQOyPZBZfBnF+~0CL`o~+GMogoI@2FiRV@f)Cxb<#2rdC{3lxrMO<1%m&`YqZ<YPYKvrIa#"
    "{j)+3BjV&p8_$Kn7Et;K$eJus#iKK)o=@qnH>{Op*9W)paJ`D%S?v*nA5N3;ip`8tb&myqietL^OZrO-bWpJObXU{r<h|}^H"
    "LYFcs^)dOTst`U6Qxd(i`3hEGlB;G_+zE2l?_uVcas;6-p;JroolNVmMu$b@AD{FMLrq_c9PFN@*K!~2Mx(BV*>bsfjLAok6"
    "41gVkCkIP0<x*~X|#ODxj)3ajL&EIKGOF6jT*e5)tnlWo{Bc+{l4QRA!s+Ji#=3Euedr}`ZbyZznh3M-Y448uu*n{4k_JQ=E"
    "x~0p;eBUmbo018u!})yZ8TJLKy!R_l4z2*c9R_bJ1S8LTPjwVPd$?GHAYA!>Nb&HnMa1h3?Dogx1g>PWjIfvt4nT*1CR&Ecl"
    "+5*I={`ON7=k*|?{^-gT_tHfB0+c#Ikjw8)iP$m20o6Wcp4#v(;gC2P-s?@le9{i;f?_7$jw>nFt8E@!k|rYvKgP>0SEqE*T"
    "VJYuV@7AM6V40+AUHDVR19%>$rUWO0UTyM5Kg!L4(j11$tx!Rg~{g4Hiw4U5=AYlfaMmtoJ-U*Q14XQz_9V}COg?`EhPC#ez"
    "PATGpH5<}$gkL>-^*Lzu-^FP$O8rY|p<}j0T2^vw81Hygw0w#&t3hE`RKtA|CM+VWffKqcWpx>pE#|NR&!JW1Vd8v&N4^*~x"
    "qKYQT%LzbFdyrm@E+4&GvqOKVq7J{ix8QnxwGndhd97=I3V0ggfz{dIrK?%JjTHxWF<8^iP>!agBEiB`~Zjblq)+dC+`Qcoz"
    "Aen-F}Ird-z-?e_FngJ7lrhdnKpA>G9>w&Z}!%uGhL5Ruqt*DVyvNo_VxL=!8ws>@^f((P}>$?-NGW-{E(er%!jMxT;+alVd"
    "PkjmB?T*>2&F2tLPbSx2TlJa5n|bpbtw<4rDwT!bk9bZ=dZ#)UA+M=9sYWlVodxdHr5mMS)lZ~+m@<U*PQoyW{rok#u0;`CI"
    ";h8>bE+w}1pH6l;hhJVKP&Z02KYT6^reM{&Dec-aPHD8CujlI_6AtAC@{Lp#Hl3azZHg}OrVT;+q8gJn$8#Cl2d~!&5XfIWa"
    "wvlFwE7DJBs^4<L3oNG<O6w)Kr+P>m7;&$00Q)FD;|D&n)>Mm+u)RcTx2w>aEe75}$~Np)&msH1-d!)_1*RL##dvkoDec|~T"
    "jq?<=x~%ap#E^3N?J=18qb{4<qLunY%F(Uz1&3opJM7ecx~cDpY{!w3@~@av<`Z6)Q?0$<CuVA;%YTCKQ3<2q#45VI6a_k%4"
    "4K7v<Rtp29uRbp!+oFGtA}#E*U(EPnZvHL1;c!>KR1=tI%c<_QIk0I+~nM9scF`_!lV~rH5Vb38y*o+@ed=UuE84)NKZ2M!<"
    "TXF+O$y0@IN%AL9f<%@fy&Fh=e^71F2Wh;!0N_kOnCGIG3wqfoBMAv+PgiqYNnEY(oMYt;WTmXcbOi)^`-asQ({Dm<ozL`Bc"
    "%xY55=y)bc_p~z9Yk$pddOewDjk92T#e}n1~5<Ww(#ZHvdKbw(w0#UzV6LbK>OW3xm(Qv=GN>hp{Eoe1{8JCEEW#n_A3Ovm~"
    "@DoAR%6!J-IPF$%xz1gbg^WwGPcQvv@&qQG<?@Og`&iZW19W?@6~EbNF5r>Simei3=E2r^4P_$G^CanB#Xga%c}yV#ZM(U~o"
    "sh{60gkw+UP4ziw~5KNi_c2x{F@2QFXWtzpC!hALhwW6(=XL3Oj<0~^OZZ?$A0x(Zp8Csu?zzOE$hU5S}ePpcALw%{DhKy?V"
    "HCm-%NkS@J8AhpdDDup8J&Ma%J5S)(w`^8Mv**VYDy|?J4J}=CNuv`~s5#n7IVEuMpujW(|%*ojjk1<Tj<ARTc;*ORGAJ)~*"
    "m6Fn&84onh5WJ_MsyIgkNb{Tt?ES`Hn>;1Y_Mi9w^cbDrD?9)oc=MJChSlskypfL2OSOkkUH=yed6Xp?BVfuX;c19LCo`V)i"
    "GsR3P=PPKf5q^EFx#TmBG35Iu>8W%pgim7-b<>;tNN@V_Pb)`7KAz<iUv5B54O_Xh-j3fF!j;g7zRS(1hChqPARq_FD!}A^n"
    "b~Sy<gS!ZpCG?Ys6K!lh3^j4R6mQABPt0u&>l4=r|0VEVqder^O{d_%6{2zTeu{SgkEHz{*G?JM3!_u`jJRgaGf~F_Qzn8I3"
    "4ObrfKw4wtGitwvo_n%Xb*MVkFm!TQHSOnfjyedCD~w)Xn2<|#Tw2lVY?8)#neczT=W>7Bg!f1BSvfP4A!u$yb_yv+={sU&+"
    "x!IpQ5u|d8_$MWs5<}uv09cm8{!+Qhg@}EyK8r!mr0(bR9hx?5Dn$b=NY{{8P%Kz7BmY0{%s$+4K#R+|P7)wydK=bPDE5F3K"
    "o%w#a8?&!^+c2})jwPJf6)Ocz&OpIz|$Lo=bGuF;>w3i*$1^Mm3V>~!ymggZE<x=Z_n=~65c_5L!UnE$g5_mFafRtw`b2#e9"
    "42PKDQ(lI(hk7=00LS>GO3Tbtk?ukR{Ifz;a+q4Y~TTi4zJNvz~SS-UqaT~i;1>!mu%9#|A#|^NWPd=iTgQ9<dv)~!g@+X`E"
    "Vjm%5kf&kqh99|PyVp`S-ALEFiwOmCq>?ZXlZLN{)(URP({L$<={*W`ucq)zs{Vt^Se{b9B2uc?5d(39J$Q)$pG8s?>@Sf0d"
    "9+-C^Rh~WoMuP9&*~#RhhHS~Ak(+Rq^uctVYx<KM`QNkhEUz+v0upi9oVF8l~xRf+~9ohMYccANu)xUJmzAWjd|p9QRr1tcU"
    "$Xev0dD{Kf*(3yWxpqvIb+SF?EO9)+-O)n^@l`n=_ibi3~rzl+bkgA&tz(zGHwsi{G5)Zo^~(8EN;h@2K+$yO|ryX}8Lu6bJ"
    "EKgoU-sk>9kuO3}5$B<Dt(aZ)<waB*E`Y4xnbFZHzeA%)cG6d8R(KKgZ?i<Gr6aJ<K5WnT!lP9+$83L{ps#OFZ0lu0$nWaxd"
    "=pH1y@$^14|iNXDlJh*d~vYOPMdH9YhN|!Y>s1+kY1|qC`Sr@Xq_lE0g)u?Vm_LAoNKWfPNws0_t+K%Y2Y>8JyI=WUVH_%qg"
    "*}ALdNvoZ*NBt;rcqE)p@SOCB+bs=OpkLx9s&AicdK1t1<lG0ecJ*wV$>(h3v6k>jeTyPg?Y5%%HO^LcBSLhns-SZeeJ{Z72"
    "AbFn_yvc28n+ji&&F_CI&6V%-vgAq9`TpqdIsa;XCT}@*>ELI>i&G0{Aj(!@TU5P$)PSwdY0FJ5%65KT)7{9L3OiEE`z>a4$"
    "g|G=jut1@R&J&58A}ugYjCLTn+VX#j~7ReGnnXd5F8rpq@+c1>Sllx+lao(ICF%D9?RpV6u-&#l(Q?qDoBr3Ae^x!(UPC7a^"
    "P$!TFxL$u4Y{wui-SiW=-2c!>1YqD8$0ax45s#96wOqnlwmH@BssZ3X<V$=yoiR%q{$t2xLop#?Bmk2eTd53d)vEq)`mlihi"
    "AEeC9>l=GC9F62k5$6y>~KNCG?VESRaMyZx!eniYizBoeZ_=EZz(a+azz$V;Mt-)^TZ`r(?<|(=z6n%`MwKe+%+Q!-6#pHV`"
    "mh1aSloP}yp>;(xf;wL=;b#AY2+I+ZQ+3vhh=(xr%?H<)N3&h<^&c2nt~6W6S@k58{i=?CNDgaTfhGaDXfW8Q5<jFzjp%y=2"
    "Cf&Ny^Sj)WfymiRv`w>VXga*Ob^ktk7zC84Y#m&H*4+I;{zpbR;(Y=7OIerD{+Jys}c=+{lq)%a-~5A2HS6-8s#?%|G&(p(`"
    "8yHqmLuH`7*>>*_<GqhtS<2_K3$6`IT9G1L@|I)fU7Io+m~Qs}?pTl+xa~@g8y;St~NK_1>~=*d1YeXqqp3ouc}-=d?=Uv5a"
    "500%odW72OtA!?R@CESZhgt6-f@g_tlQi!5ttqHA<`fM&M}-L@hv8xw6k(>&HA*s^|TuJ{41M&)!x`2kNa?SMn_lyG=Y>!ok"
    "8cmkb`irZ82YcU_GSvW<MbOX(d7bty>sXdK<!@vH(hd6_VtHo}y9cz`eYGpa<#0RQG&z{>6nL`D*D&`{4x}Ezs@|h(}ZBEfT"
    "GJdRD0P`F!7xyB{rG2ueCW>oysinj(=&2uKaG2DySX=u4V*afZs;82gZbh%RY}DV-EB+}w*C_30ae3Wi#3_;`oZx0NIerp}{"
    "iZC2_Iy00EV4DePgbETsOb)Tq8*gHOu3D~_UCa97RymY!ByCT!0}mR_5#6$sAq4y5cSQSevo&Qvk32y@)*|bqVw=u-czAp9Y"
    "oLvs*%p!{6DkFwYkS?U%%->goSxl(0OryI#$R7oOZez>>}S;Xy$tcrfdo0oaU0Zh2mpuu|b^VJhBz$FHk62H-4#ol*y=2cwf"
    "{SbPq}yl3P1PokClGhMH<&aTOb7tU)gi*Fe`I^b9g<skNG8{COUV)awXmLb;o%cUvf}i(sd%nC8+6PKk*wmfKXFZBLNi18Hc"
    "~rv%#L52)%hHVENchCO1f<nA_okMnT3%9;_N-hio1JBVgC$aXW9F%B(~w;4g|N58}`oI<d{NtVh(6p}A}=VH>NyU;r>-ixc~"
    "u>q|Y;|iwVL29=b+<!{QE~RxYJR=tims;u<dkYqoRKQcUhmMj#39P(3CI_yA^;MK`pl#T$KuCiJq;7GCt?{W6TTIL3ehhIoA"
    "3WrZ(2Mq}gqeBV37RPu$^~5RUN)*tNS#=L28PSgd}P#w&TSm3n0l(kLac;krC6e}euHV@o#rV=DO-LNOJO=BY8R~&Nv~CvRE"
    "|pW>sl+}5VTbE$YRu2cA%6vjlU32<TtYW4KK%j%ok!IO*ul2eUe63uyW>!UG!e8RQ;yLZU<PD{NIv+bswWq-69-fQr-NfG&N"
    "YFI*;gOaI)FPjN@T4<}tQ2!4@(k9zl2p%<K;_a~%W?$)Y_PSu~`Z)U3nUJ~wEU{05z3%ojy6_?Zyh^pb-e^h+>oIo?W_Lwtr"
    "isB?F(rI_>>-)KUw_+AUpJ_`d%Iiz^3fu7xK+AG4<(fP2Oz7#)r<^zR(PyCC2<x?3RK7G;x+J|LXdUDiKXg0ElsbN7rC_k`W"
    "mq~p^v)r<ST^kXhVjlN38ynI6v-~33{EOB%@Pdj2$HDu;YmlY5g%OF%DakXkgt})^gF=Q%?X=sX-wZB`uQ(vuba+H9+6KnA^"
    "GVcEBD&6J*jOpr#hikn_IHkS``M!`N{}P_97R}UA@^D_XRaF6=wCGSBrKAR(&+{D|3Z4r%4JGt8fg<{^9Y@XxB3?`A1HQ)(2"
    "hvRVe1-lSQc_21^U2eik3eLM1ZQNX3hKxW^v7Tq2+TdqLh$kj(_EH@h=>;@36zBWRU~ozTHMH!sJ(cV)eq;2-~k%Oy@}0k6f"
    "bp?uCHnmc~hUDP)s;k8Dne-{r)a^i7=N_Z{qXg9}VKD~e&;pQo^b$FWViat^(H$2%91yKiT=A=4W<#+(PMRTZn7ecI3!%qLy"
    "n^UGQ}O`J>SGuU80ljmO1BCTGZIM0Nssp-&4N?nEScW@Qg$Ymyqxlpz-aoGg?5pfr}mh;68#7n=^;unkDTvlqGH5B;*u4-S`"
    "eTY$CC67<aYj_9l6gMey$R+BV1EZvJ7QtOGzoXEA?;`0EgmH49_6K|ynvH&&lrYTQf=TB{%Pe$2TsFr#v+n)#5eKVfC|7H56"
    "02b_%*NwA{2Pbm$sMrjx<OidZ&vlWpa~zbsY$8Tnev+6AFZ`U+r;^RIicT-sw^%k^OZl{i{i2(W*O$GFY6sw<(Xg1moLc4?*"
    "wvb>N>d+Z3eG}&wa9=jU!@)iv2%uIkc<bs9%bZCs>6w42g*aVtA9wupAi@6+Bz`E<-NYj(LOmoQ7B7mJ;F^P$nPBgVHduUh8"
    "5yMSb?bbOAMpjL|$hy&Gm)wG_7#?f<0%)O86ys*Kmd_?qxi{Cx|U^ZNb~4i>69g!r5kaqr<4u~!6!_B$`Eeb3_=$BrU0x{j#"
    "x*d=nXigQ4R7@KN1_LxazlDLb{?>~7CnuRzH9dm%#42Hz-Xz(5#s@Sk%=Hjx5DilUf#Q4)9Lzc5Pug3$Z=ZZ75Ry^j(dm+kE"
    "s~X|caW3AXh$ZKTvYVNAQYLv-l8ND8m;~)4>o(q7VOvBe5z^O8v*iOvku9`MoJPGPFxWy@MWAhuQpCmZc+e*fiX9u+^#4TK9"
    "l*usZRL;_d=vf3sDiY2Qgh=OWbJoCY(elkOs|4+9gURG5}G6W91>}BIL7fMUyx5pXDO~~iF>p`E|GCX(qW^@EnVz|oQuRq7-"
    "xPK0d+{-DaP6@!fe*A;Lvk2M6Z=o3!n2S*L+Qo$cOKBG@Fp8+-2}MFKs7ZM6Oc7gY_N_EVq&N3%ZJIYPU(oJ;VP1tb*R+"
)  # end of the registry
