// 
// THIS FILE HAS BEEN GENERATED AUTOMATICALLY
// DO NOT CHANGE IT MANUALLY UNLESS YOU KNOW WHAT YOU'RE DOING
// 
// GENERATED USING @colyseus/schema 5.0.34
// 

import { Schema, type, ArraySchema, MapSchema, SetSchema, DataChange } from '@colyseus/schema';


export class Player extends Schema {
    @type("string") public name!: string;
    @type("string") public playerId!: string;
    @type("uint16") public x!: number;
    @type("uint16") public y!: number;
    @type({ quantized: { min: 0, max: 6.283185307179586, bits: 8, mode: "wrap" } }) public aim!: number;
    @type("uint8") public hp!: number;
    @type("uint16") public score!: number;
    @type("boolean") public isAlive!: boolean;
    @type("string") public killedBy!: string;
    @type("boolean") public isConnected!: boolean;
    @type("int16") public vx!: number;
    @type("int16") public vy!: number;
}
