// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 

import { Schema, type, ArraySchema, MapSchema, SetSchema, DataChange } from '@colyseus/schema';
import { Player } from './Player'
import { Projectile } from './Projectile'

export class ArenaState extends Schema {
    @type("uint32") public tick!: number;
    @type("uint8") public tickHz!: number;
    @type({ map: Player }) public players: MapSchema<Player> = new MapSchema<Player>();
    @type({ map: Projectile }) public projectiles: MapSchema<Projectile> = new MapSchema<Projectile>();
}
