"""Names the generated people, places and organisations are made from."""

from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = words(
    "Emma Nora Sofie Ingrid Leah Maja Ella Olivia Sara Frida Jakob Noah Filip Lukas Oskar "
    "Aksel Henrik Amir Fatima Mohammed Sander Ida Thea Selma Ahmed Vilde Tobias Elias Emil "
    "Iben Mathea Johannes Mia Linnea Magnus Ole Kasper Hedda Tiril Yusuf Aisha Mikkel Jonas "
    "Astrid Eirik"
)
LAST_NAMES = words(
    "Hansen Johansen Olsen Larsen Andersen Pedersen Nilsen Kristiansen Jensen Karlsen Berg "
    "Haugen Hagen Ali Khan Bakken Dahl Lie Solberg Eide Moen Strand Lund Aas Halvorsen "
    "Ahmed Nguyen Jacobsen Sæther Rønning Vik Myhre Holm Sandvik Lien Mikkelsen Nygård "
    "Brekke"
)
TOWNS = words(
    "Asker Bærum Drammen Moss Fredrikstad Sarpsborg Halden Hamar Lillehammer Gjøvik "
    "Kongsberg Tønsberg Sandefjord Larvik Skien Porsgrunn Arendal Grimstad Kristiansand "
    "Mandal Egersund Stavanger Sandnes Haugesund Stord Bergen Voss Førde Florø Ålesund "
    "Molde Kristiansund Trondheim Stjørdal Steinkjer Namsos Mo Bodø Narvik Harstad Tromsø "
    "Alta Hammerfest Kirkenes Lillestrøm Jessheim Ski Ås Kongsvinger Elverum Tynset "
    "Hønefoss Notodden"
)
HOST_STEMS = words(
    "Onco Immuno Nano Bio Gen Cell Thera Radi Vacci Medi Neuro Cardio Pharma Prote Lipo Cyto"
)
