"""The group's investment yield per period (Lei 11.795/2008 arts. 25–26), posted to the fundo comum."""
