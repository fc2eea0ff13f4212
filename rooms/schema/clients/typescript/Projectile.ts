// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 

import { Schema, type, ArraySchema, MapSchema, SetSchema, DataChange } from '@colyseus/schema';


export class Projectile extends Schema {
    @type("string") public ownerId!: string;
    @type("uint16") public originX!: number;
    @type("uint16") public originY!: number;
    @type("int16") public vx!: number;
    @type("int16") public vy!: number;
    @type("uint32") public spawnTick!: number;
}
